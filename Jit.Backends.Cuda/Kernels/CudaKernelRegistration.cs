using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Kernels;

/// <summary>
/// The CUDA backend's built-in kernels, added to each backend's own table when it opens: copy_,
/// and every extern op from the TE templates every GPU backend renders, the GEMM ops among them
/// going to cuBLAS first where it covers the call (<see cref="CublasKernels"/>).
/// </summary>
public static class CudaKernelRegistration
{
    public static void RegisterAll(CudaBackend backend, KernelTable table)
    {
        table.Add("aten::copy_", backend.CopyKernel.Run);
        var templates = new KernelTable();
        Jit.Kernels.GpuExternKernels.Register(templates, backend.GpuKernels);
        foreach (var name in templates.Names)
        {
            if (table.Contains(name)) continue;
            string op = name;
            templates.TryGet(op, out var template);
            bool hasOut = templates.TryGetOut(op, out var templateOut);
            if (backend.Cublas is not { } cublas || !CublasKernels.Ops.Contains(op))
            {
                table.Add(op, template);
                if (hasOut) table.AddOut(op, templateOut);
                table.SetPrecondition(op, args => templates.WhyNot(op, args));
                continue;
            }
            table.Add(op, (inputs, outputs) =>
            {
                if (!CublasKernels.Covers(op, inputs))
                {
                    template(inputs, outputs);
                    return;
                }
                var result = Tensor.EmptyOn(backend.Allocator, DType.Float32, CublasKernels.ResultSizes(op, inputs));
                cublas.Run(op, inputs, result);
                outputs[0] = IValue.FromTensor(result);
            });
            table.AddOut(op, (inputs, outputs) =>
            {
                if (CublasKernels.Covers(op, inputs) && outputs[0].AsTensor is { DType: DType.Float32, IsContiguous: true } result && !result.IsHost) cublas.Run(op, inputs, result);
                else if (hasOut) templateOut(inputs, outputs);
                else throw new Jit.Errors.JitDeviceException(backend.Device.ToString(), $"{op}: no out-variant for this call");
            });
            table.SetPrecondition(op, args => CublasKernels.Covers(op, args) ? null : templates.WhyNot(op, args));
        }
    }
}

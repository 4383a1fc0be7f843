using Jit.Codegen;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;

namespace Jit.Backends.OpenCL;

/// <summary>What the device-independent kernel glue needs of OpenCL: the OpenCL C rendering and the program launcher.</summary>
internal sealed class OpenCLGpuDevice(OpenCLBackend backend) : IGpuDevice
{
    public IBackend Backend => backend;

    public IGpuKernel Compile(TeKernel kernel) =>
        new Launcher(backend.Compile(OpenCLRenderer.Render(kernel, (int)Math.Min(GpuSchedule.DefaultLocalSize, backend.Info.MaxWorkGroupSize))));

    private sealed class Launcher(CompiledGpuProgram program) : IGpuKernel
    {
        public TeKernel Kernel => program.Kernel;
        public void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs) => program.RunInto(inputs, outputs);
        public IValue[] Run(ReadOnlySpan<IValue> inputs) => program.Run(inputs);
    }
}

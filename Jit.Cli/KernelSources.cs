using Jit.Backends.Cpu;
using Jit.Codegen;
using Jit.Errors;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.TensorExpr.Lowering;

namespace Jit.Cli;

/// <summary>
/// <c>jit inspect FILE --device D --emit source [--input a.npy …]</c>: the model optimized and fused as
/// a plan on D would be (every lowerable op a kernel), and each kernel rendered for D, as its compiler
/// takes it. Rendering is pure text: no device is opened. Sizes are those of the --input files, or
/// symbolic from the declared types.
/// </summary>
internal static class KernelSources
{
    public static int Print(CliOutput output, string file, string deviceText, string what, string[] inputPaths)
    {
        if (what != "source") throw new JitException($"--emit {what}: the only form is 'source'");
        var device = Device.Parse(deviceText);
        Func<Jit.TensorExpr.TeKernel, GpuProgram> render = device.Kind switch
        {
            DeviceKind.OpenCL => k => OpenCLRenderer.Render(k),
            _ => throw new JitException($"--emit source: no kernel renderer for '{Device.KindName(device.Kind)}' (opencl has one)"),
        };
        var model = ModelFile.Load(file);
        var graph = model.Graph.Copy();
        using (var cpu = new CpuBackend(Device.Cpu)) PassManager.Default(context: new PassContext(model.Module, cpu)).Run(graph);
        var fuser = new TensorExprFuser(new TensorExprFuserOptions { MinGroupSize = 1 });
        if (inputPaths.Length > 0) fuser.RunProfiled(graph, model.ReadInputs(inputPaths));
        else
        {
            ShapeAnalysis.PropagateSymbolic(graph);
            fuser.Run(graph);
        }
        var groups = TensorExprFuser.Groups(graph);
        output.Out.WriteLine($"// {groups.Count} kernels for {device}");
        for (int i = 0; i < groups.Count; i++)
        {
            var name = $"TensorExprGroup_{i}";
            var kernel = TeLowering.TryLowerGroup(TensorExprFuser.Subgraph(groups[i]), out var reason, name);
            output.Out.WriteLine();
            if (kernel is null)
            {
                output.Out.WriteLine($"// {name}: not lowered, runs on the host: {reason}");
                continue;
            }
            var program = render(kernel);
            output.Out.WriteLine($"// {name}: {string.Join(", ", program.Stages.Select(s => $"{s.Entry} ({s.Kind}, work {s.Work}, local {s.LocalSize})"))}");
            output.Out.Write(program.Source);
        }
        return 0;
    }
}

using Jit.Backends.Cpu;
using Jit.Backends.Cuda.Codegen;
using Jit.Codegen;
using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.TensorExpr.Lowering;

namespace Jit.Cli;

/// <summary>
/// <c>jit inspect FILE --device D --emit source [--input a.npy …]</c>: the model optimized and fused as
/// a plan on D would be (every lowerable op a kernel), and each kernel rendered for D, as its compiler
/// takes it (for vulkan, the SPIR-V module's listing; for cuda, the PTX for sm_90). Rendering is pure text: no device is opened. Sizes are those of the --input files, or
/// symbolic from the declared types.
/// </summary>
internal static class KernelSources
{
    public static int Print(CliOutput output, string file, string deviceText, string what, string[] inputPaths)
    {
        if (what != "source") throw new JitException($"--emit {what}: the only form is 'source'");
        var device = Device.Parse(deviceText);
        Func<Jit.TensorExpr.TeKernel, Rendered> render = device.Kind switch
        {
            DeviceKind.OpenCL => k => OpenCLRenderer.Render(k) is var p ? new Rendered(p.Stages, p.Source) : default,
            DeviceKind.Vulkan => k => VulkanRenderer.Render(k) is var p ? new Rendered(p.Stages, p.Listing()) : default,
            DeviceKind.Cuda => k => PtxRenderer.Render(k, ILGPU.Runtime.Cuda.CudaArchitecture.SM_90) is var p ? new Rendered(p.Scheduled.Stages, p.Text) : default,
            _ => throw new JitException($"--emit source: no kernel renderer for '{Device.KindName(device.Kind)}' (opencl, vulkan and cuda have one)"),
        };
        var model = ModelFile.Load(file);
        var graph = model.Graph.Copy();
        using (var cpu = new CpuBackend(Device.Cpu)) PassManager.Default(context: new PassContext(model.Module, cpu)).Run(graph);
        var fuser = new TensorExprFuser(new TensorExprFuserOptions { MinGroupSize = 1 });
        if (inputPaths.Length > 0) ShapeAnalysis.PropagateComplete(graph, model.ReadInputs(inputPaths));
        else ShapeAnalysis.PropagateSymbolic(graph);
        fuser.Run(graph);
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
            Print(output, name, render, kernel);
        }
        PrintExternKernels(output, graph, device, render);
        return 0;
    }

    // A kernel as the device's compiler takes it (OpenCL C), or as a listing of what it takes (SPIR-V).
    private readonly record struct Rendered(IReadOnlyList<GpuStage> Stages, string Text);

    private static void Print(CliOutput output, string name, Func<Jit.TensorExpr.TeKernel, Rendered> render, Jit.TensorExpr.TeKernel kernel)
    {
        Rendered program;
        try
        {
            program = render(kernel);
        }
        catch (JitIrException e)
        {
            output.Out.WriteLine($"// {name}: not rendered for this device: {e.Message}");
            return;
        }
        output.Out.WriteLine($"// {name}: {string.Join(", ", program.Stages.Select(s => $"{s.Entry} ({s.Kind}, work {s.Work}, local {s.LocalSize})"))}");
        output.Out.Write(program.Text);
    }

    // The extern ops' templates, instantiated for the nodes' complete types (so only with --input).
    private static void PrintExternKernels(CliOutput output, Jit.Ir.Graph graph, Device device, Func<Jit.TensorExpr.TeKernel, Rendered> render)
    {
        foreach (var n in graph.Nodes)
        {
            if (n.Kind.StartsWith("prim::", StringComparison.Ordinal) || n.Outputs.All(o => o.Type is not Jit.Ir.TensorType)) continue;
            string overload;
            try { overload = n.Schema.QualifiedOverloadName; }
            catch (JitException) { continue; }
            if (!Jit.Kernels.ExternKernels.Names.Contains(overload)) continue;
            var args = Jit.Runtime.Devices.PlanTimeArguments.Of(n, device);
            output.Out.WriteLine();
            if (args is null)
            {
                output.Out.WriteLine($"// {overload} (%{n.Output().DisplayName}): sizes unknown; give --input files to see its kernel");
                continue;
            }
            if (!Jit.Kernels.ExternKernels.TryBuild(overload, args, Jit.Kernels.KernelTarget.Gpu, out var e, out var reason))
            {
                output.Out.WriteLine($"// {overload} (%{n.Output().DisplayName}): no template covers it, it runs on the host: {reason}");
                continue;
            }
            Print(output, $"{overload} (%{n.Output().DisplayName})", render, e.Kernel);
        }
    }
}

using Jit.Backends.Cpu;
using Jit.Runtime;
using System.CommandLine;
using Jit.Errors;
using Jit.Ir;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;

namespace Jit.Cli;

/// <summary>
/// <c>jit inspect FILE [--passes default|P1,P2] [--shapes] [--fusion] [--input a.npy…] [--count]</c>:
/// prints the graph as PyTorch prints it, after the named passes, with shapes when asked, fused
/// when asked, or only the number of tensor ops (to table against PyTorch's, see
/// tools/compare_node_counts.py).
/// <para>
/// <c>--fusion</c> runs the passes (default: the default pipeline), then the tensor-expression
/// fuser, specialized to the dtypes and ranks of the <c>--input</c> files if given (sizes stay
/// symbolic), else to the declared input types; each <c>prim::TensorExprGroup</c> prints its
/// subgraph after the graph, as PyTorch prints it, and then its tensor-expression kernel
/// (TeLowering), or why it has none.
/// </para>
/// </summary>
public static class InspectCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to inspect: a PyTorch flatbuffer module or a textual-IR graph (*.ir)" };
        var passes = new Option<string?>("--passes", "-p") { Description = "'default' (the inference pipeline) or comma-separated pass names: " + string.Join(", ", PassCatalog.Names) };
        var shapes = new Option<bool>("--shapes") { Description = "annotate every value with its shape: complete from --input files, else symbolic from the declared input ranks" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order), for --shapes" };
        var count = new Option<bool>("--count") { Description = "print only the number of tensor ops (aten:: nodes producing tensors)" };
        var fusion = new Option<bool>("--fusion") { Description = "fuse tensor expressions after the passes (default pipeline if --passes is not given) and print each fusion group's subgraph" };
        var plan = new Option<bool>("--plan") { Description = "print the static runtime's plan for --device and the --input files: one step per line, [host] where a device runs an op on the host" };
        var device = new Option<string>("--device", "-d") { Description = "device for --plan: cpu, cuda[:N], opencl[:N] or vulkan[:N]", DefaultValueFactory = _ => "cpu" };
        var emit = new Option<string?>("--emit") { Description = "'source': print each kernel as --device compiles it (OpenCL C for opencl); needs no device" };
        var command = new Command("inspect", "print a model's graph, optionally optimized, fused and shape-annotated, its static plan on a device, or its kernels' source")
            { file, passes, shapes, inputs, count, fusion, plan, device, emit };
        command.SetAction(r => output.Guard(() => r.GetValue(emit) is { } what
            ? KernelSources.Print(output, r.GetValue(file)!, r.GetValue(device)!, what, r.GetValue(inputs) ?? [])
            : r.GetValue(plan)
                ? PrintPlan(output, r.GetValue(file)!, r.GetValue(device)!, r.GetValue(inputs) ?? [])
                : Execute(output, r.GetValue(file)!, r.GetValue(passes), r.GetValue(shapes), r.GetValue(inputs) ?? [], r.GetValue(count), r.GetValue(fusion))));
        return command;
    }

    private static int PrintPlan(CliOutput output, string file, string deviceText, string[] inputPaths)
    {
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);
        using var backend = CliBackends.Registry().Open(Device.Parse(deviceText));
        using var compiled = CliBackends.Compile(model, backend, fuse: true);
        var plan = compiled.PlanFor(model.Self is null ? inputs : inputs[1..]);
        output.Out.WriteLine($"# plan on {backend.Device}: {plan.PlanLines.Count} steps, {plan.HostStepNodes.Count} tensor ops on the host, arena {plan.Memory.ArenaBytes} bytes");
        foreach (var line in plan.PlanLines) output.Out.WriteLine(line.ReplaceLineEndings(" "));
        return 0;
    }

    private static int Execute(CliOutput output, string file, string? passSpec, bool shapes, string[] inputPaths, bool count, bool fusion)
    {
        var model = ModelFile.Load(file);
        var graph = model.Graph;
        if (fusion) passSpec ??= "default";
        if (passSpec is not null)
        {
            var env = PassManagerOptions.FromEnvironment(lint: true);
            using var cpu = new CpuBackend(Device.Cpu);
            var context = new PassContext(model.Module, cpu);
            // Passes change the graph in place; the module's cached forward graph stays as loaded.
            graph = graph.Copy();
            var manager = PassManager.FromSpec(passSpec, new PassManagerOptions { Lint = true, LogPasses = env.LogPasses, Log = output.Error }, context);
            manager.Run(graph);
        }
        if (inputPaths.Length > 0 && !shapes && !fusion)
            throw new JitException("--input is only used with --shapes or --fusion");
        if (fusion)
        {
            var fuser = new TensorExprFuser();
            if (inputPaths.Length > 0) fuser.RunProfiled(graph, model.ReadInputs(inputPaths));
            else
            {
                ShapeAnalysis.PropagateSymbolic(graph);
                fuser.Run(graph);
            }
            output.Error.WriteLine($"fusion groups: {TensorExprFuser.Groups(graph).Count}");
        }
        if (shapes && !fusion)
        {
            if (inputPaths.Length > 0)
            {
                ShapeAnalysis.PropagateComplete(graph, model.ReadInputs(inputPaths));
            }
            else
            {
                var unranked = graph.Inputs.Where(v => v.Type is TensorType { Rank: null }).Select(v => "%" + v.DisplayName).ToArray();
                if (unranked.Length > 0)
                    throw new JitException(
                        $"--shapes: input {string.Join(", ", unranked)} has no declared rank; give --input FILE.npy for each graph input to compute complete shapes");
                ShapeAnalysis.PropagateSymbolic(graph);
            }
        }
        if (count)
        {
            output.Out.WriteLine($"tensor-ops: {CountTensorOps(graph)}");
            return 0;
        }
        output.Out.Write(graph.ToString());
        if (fusion) PrintKernels(output, graph);
        return 0;
    }

    // Each group's TE kernel after the graph; a group that does not lower runs interpreted, so
    // the reason is printed in its place rather than failing the command.
    private static void PrintKernels(CliOutput output, Graph graph)
    {
        var groups = TensorExprFuser.Groups(graph);
        for (int i = 0; i < groups.Count; i++)
        {
            var name = $"TensorExprGroup_{i}";
            var kernel = TeLowering.TryLowerGroup(TensorExprFuser.Subgraph(groups[i]), out var reason, name);
            output.Out.WriteLine();
            output.Out.WriteLine(kernel is null ? $"# {name}: not lowered, runs interpreted: {reason}" : $"# {name} kernel:");
            if (kernel is not null) output.Out.Write(TePrinter.Print(kernel));
        }
    }

    /// <summary>
    /// Nodes computing a tensor, nested blocks included, constants excluded: what
    /// tools/compare_node_counts.py counts in PyTorch, whose optimized graphs compute with
    /// prim:: ops (prim::mkldnn_convolution) as well as aten:: ones.
    /// </summary>
    public static int CountTensorOps(Graph graph) =>
        graph.AllNodes().Count(n => n.Namespace is "aten" or "prim" && !n.Kind.StartsWith("prim::Constant", StringComparison.Ordinal)
                                    && n.Outputs.Any(o => o.Type is TensorType));
}

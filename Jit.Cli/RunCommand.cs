using System.CommandLine;
using Jit.Backends.Cpu;
using Jit.Backends.OpenCL;
using Jit.Errors;
using Jit.Passes;
using Jit.Runtime;

namespace Jit.Cli;

/// <summary>
/// <c>jit run FILE --device D --input a.npy … --output out.npy [--interpreter] [--no-fusion]</c>.
/// By default the static runtime runs the optimized graph, planned for the inputs, with
/// elementwise groups fused into kernels where the backend compiles them
/// (<see cref="IBackend.FusedKernelCompiler"/>; the CPU does). <c>--interpreter</c> runs the
/// reference interpreter instead (fused the same way); <c>--no-fusion</c> turns fusion off to compare.
/// </summary>
public static class RunCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to run: a PyTorch flatbuffer module or a textual-IR graph (*.ir)" };
        var device = new Option<string>("--device", "-d") { Description = "cpu, cuda[:N], opencl[:N] or vulkan[:N]", DefaultValueFactory = _ => "cpu" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order)", AllowMultipleArgumentsPerToken = false };
        var outputPath = new Option<string?>("--output", "-o") { Description = ".npy file for the output (a tuple of N writes out.0.npy … out.{N-1}.npy)" };
        var noFusion = new Option<bool>("--no-fusion") { Description = "run the graph unfused even where the backend compiles fusion groups (to compare)" };
        var interpreter = new Option<bool>("--interpreter") { Description = "run on the reference interpreter instead of the static runtime" };
        var command = new Command("run", "run a model on .npy inputs and write its outputs") { file, device, inputs, outputPath, interpreter, noFusion };
        command.SetAction(r => output.Guard(() => Execute(output, r.GetValue(file)!, r.GetValue(device)!, r.GetValue(inputs) ?? [], r.GetValue(outputPath),
            r.GetValue(interpreter), r.GetValue(noFusion))));
        return command;
    }

    private static int Execute(CliOutput output, string file, string deviceText, string[] inputPaths, string? outputPath, bool interpreter, bool noFusion)
    {
        var device = Device.Parse(deviceText);
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);
        if (model.DefaultsUsed.Count > 0) output.Error.WriteLine($"using forward's defaults: {string.Join(", ", model.DefaultsUsed)}");

        var registry = CliBackends.Registry();
        using var backend = registry.Open(device);
        if (interpreter && !backend.IsHost)
            throw new JitException($"--interpreter: the reference interpreter runs on the host; on '{backend.Device}' the static runtime runs the model (drop --interpreter, or compare with jit check)");
        var results = interpreter ? RunInterpreted(model, backend, inputs, fuse: !noFusion) : RunStatic(model, backend, inputs, fuse: !noFusion);
        var result = results.Length == 1 ? results[0] : IValue.FromTuple(results);

        if (outputPath is null)
        {
            output.Out.WriteLine(Describe(result));
        }
        else
        {
            foreach (var p in ValueFiles.Write(outputPath, result)) output.Out.WriteLine($"wrote {p}");
        }
        output.Error.WriteLine($"ran on {backend.Device}");
        return 0;
    }

    /// <summary>The reference interpreter, on the graph as loaded or, when the backend compiles fusion groups, optimized and fused.</summary>
    internal static IValue[] RunInterpreted(ModelFile model, IBackend backend, IValue[] inputs, bool fuse)
    {
        var graph = model.Graph;
        if (fuse && backend.FusedKernelCompiler is not null)
        {
            graph = graph.Copy();
            PassManager.Default(context: new PassContext(model.Module, backend)).Run(graph);
            new TensorExprFuser().RunProfiled(graph, inputs);
        }
        return new Interpreter(graph, backend).Run(inputs);
    }

    /// <summary>The static runtime: the optimized graph, planned for these inputs (<paramref name="inputs"/> include a bound self).</summary>
    internal static IValue[] RunStatic(ModelFile model, IBackend backend, IValue[] inputs, bool fuse)
    {
        using var compiled = CliBackends.Compile(model, backend, fuse);
        return compiled.Run(model.Self is null ? inputs : inputs[1..]);
    }

    private static string Describe(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => $"{ValueTypes.Describe(v)}: [{string.Join(", ", v.AsTensor.ToDoubleArray().Take(8).Select(x => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}{(v.AsTensor.NumElements > 8 ? ", …" : "")}]",
        IValueTag.Tuple => "(" + string.Join(", ", v.AsTuple.Items.Select(Describe)) + ")",
        _ => v.ToString(),
    };
}

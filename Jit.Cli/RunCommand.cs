using System.CommandLine;
using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Passes;
using Jit.Runtime;

namespace Jit.Cli;

/// <summary>
/// <c>jit run FILE --device D --input a.npy … --output out.npy [--no-fusion]</c>.
/// Fusion is on by default where it pays: when the device's backend has a fused-kernel compiler
/// (<see cref="IBackend.FusedKernelCompiler"/>), the graph goes through the default pipeline and
/// the tensor-expression fuser (specialized to the inputs' dtypes and ranks) before it runs.
/// Without one (or with <c>--no-fusion</c>, to compare) the graph runs as loaded.
/// </summary>
public static class RunCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to run: a textual-IR graph (*.ir)" };
        var device = new Option<string>("--device", "-d") { Description = "cpu, cuda[:N], opencl[:N] or vulkan[:N]", DefaultValueFactory = _ => "cpu" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order)", AllowMultipleArgumentsPerToken = false };
        var outputPath = new Option<string?>("--output", "-o") { Description = ".npy file for the output (a tuple of N writes out.0.npy … out.{N-1}.npy)" };
        var noFusion = new Option<bool>("--no-fusion") { Description = "run the graph unfused even where the backend compiles fusion groups (to compare)" };
        var command = new Command("run", "run a model on .npy inputs and write its outputs") { file, device, inputs, outputPath, noFusion };
        command.SetAction(r => output.Guard(() =>
            Execute(output, r.GetValue(file)!, r.GetValue(device)!, r.GetValue(inputs) ?? [], r.GetValue(outputPath), r.GetValue(noFusion))));
        return command;
    }

    private static int Execute(CliOutput output, string file, string deviceText, string[] inputPaths, string? outputPath, bool noFusion)
    {
        var device = Device.Parse(deviceText);
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);

        var registry = new BackendRegistry().AddCpu();
        using var backend = registry.Open(device);
        var graph = model.Graph;
        if (!noFusion && backend.FusedKernelCompiler is not null)
        {
            graph = graph.Copy();
            PassManager.Default(context: new PassContext(model.Module, backend)).Run(graph);
            new TensorExprFuser().RunProfiled(graph, inputs);
        }
        var results = new Interpreter(graph, backend).Run(inputs);
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

    private static string Describe(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => $"{ValueTypes.Describe(v)}: [{string.Join(", ", v.AsTensor.ToDoubleArray().Take(8).Select(x => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}{(v.AsTensor.NumElements > 8 ? ", …" : "")}]",
        IValueTag.Tuple => "(" + string.Join(", ", v.AsTuple.Items.Select(Describe)) + ")",
        _ => v.ToString(),
    };
}

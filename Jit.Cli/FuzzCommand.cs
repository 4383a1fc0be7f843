using System.CommandLine;
using System.Globalization;
using Jit.Errors;

namespace Jit.Cli;

/// <summary>
/// <c>jit fuzz FILE [--iterations N] [--seed S]</c>: mutates a model file N times and runs each mutant
/// through load and graph building (see <see cref="ModuleFuzzer"/>). Prints the count per outcome;
/// exits with <see cref="ExitEscape"/> naming the seed and iteration when any other exception escapes.
/// </summary>
public static class FuzzCommand
{
    public const int ExitEscape = 3;

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "a PyTorch flatbuffer module (*.ptmf) to mutate" };
        var iterations = new Option<long>("--iterations") { Description = "how many mutants to try", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "random seed (iteration i of seed s is always the same mutant)", DefaultValueFactory = _ => 1 };
        var command = new Command("fuzz", "mutate a model file many times; every mutant must load or fail with a JitException") { file, iterations, seed };
        command.SetAction(r => output.Guard(() =>
        {
            string path = r.GetValue(file)!;
            if (!File.Exists(path)) throw new JitException($"no such file: '{path}'");
            long n = r.GetValue(iterations);
            if (n < 0) throw new JitException($"--iterations must be non-negative, got {n}");
            var report = new ModuleFuzzer(File.ReadAllBytes(path), r.GetValue(seed)).Run(n);
            var inv = CultureInfo.InvariantCulture;
            output.Out.WriteLine(string.Create(inv, $"iterations        {report.Iterations}"));
            output.Out.WriteLine(string.Create(inv, $"loaded            {report.Loaded}"));
            output.Out.WriteLine(string.Create(inv, $"JitFormatException {report.FormatErrors}"));
            output.Out.WriteLine(string.Create(inv, $"other JitException {report.OtherJitErrors}"));
            output.Out.WriteLine(string.Create(inv, $"time              {report.Elapsed.TotalSeconds:F1} s ({report.Elapsed.TotalMicroseconds / Math.Max(1, report.Iterations):F1} us per mutant; slowest {report.SlowestMs:F2} ms at iteration {report.SlowestIteration})"));
            if (report.Passed) return 0;
            // The stack goes with the counts on stdout; stderr keeps the one-line report.
            output.Out.WriteLine(report.Escape!.Value.Error.ToString());
            output.Error.WriteLine($"jit: fuzz: escaped at {report.EscapeLine.Split('\n')[0]}");
            return ExitEscape;
        }));
        return command;
    }
}

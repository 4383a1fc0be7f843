using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Cli;

/// <summary>
/// <c>jit check FILE [--devices cpu,opencl,…] --input a.npy …</c>: runs the model through the static
/// runtime on each device and through the reference interpreter on the CPU, and prints one row per
/// device: the largest absolute and relative error against the interpreter, pass or fail at the
/// stated tolerance, how many tensor ops ran as host steps, and the median latency. Exit 0 when every
/// device passes, 4 when one fails or cannot start (its row says why).
/// </summary>
public static class CheckCommand
{
    /// <summary>The tolerance of the CPU tests: |got - want| ≤ Atol + Rtol·|want| for every element.</summary>
    public const double Rtol = 1e-4, Atol = 1e-5;

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to check: a PyTorch flatbuffer module or a textual-IR graph (*.ir)" };
        var devices = new Option<string>("--devices") { Description = "comma-separated devices to check", DefaultValueFactory = _ => "cpu,opencl,vulkan" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("check", "run a model on each device and on the reference interpreter, and compare") { file, devices, inputs };
        command.SetAction(r => output.Guard(() => Execute(output, r.GetValue(file)!, r.GetValue(devices)!, r.GetValue(inputs) ?? [])));
        return command;
    }

    private static int Execute(CliOutput output, string file, string deviceList, string[] inputPaths)
    {
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);
        var user = model.Self is null ? inputs : inputs[1..];
        var registry = CliBackends.Registry();
        IValue[] expected;
        using (var cpu = registry.Open(Device.Cpu)) expected = RunCommand.RunInterpreted(model, cpu, inputs, fuse: false);
        var want = Flatten(expected);

        var inv = CultureInfo.InvariantCulture;
        output.Out.WriteLine($"{Path.GetFileName(file)}: static runtime on each device against the reference interpreter (rtol {Rtol.ToString(inv)}, atol {Atol.ToString(inv)})");
        output.Out.WriteLine($"{"device",-10} {"max abs err",12} {"max rel err",12} {"result",-6} {"host steps",10} {"median µs",11}");
        bool allPass = true;
        foreach (var text in deviceList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var device = Device.Parse(text);
            try
            {
                using var backend = registry.Open(device);
                using var compiled = CliBackends.Compile(model, backend, fuse: true);
                var (abs, rel, pass) = Compare(want, Flatten(compiled.Run(user)));
                int hostSteps = compiled.PlanFor(user).HostStepNodes.Count;
                double median = MedianUs(() => compiled.Run(user));
                // The steady state too: a device may replay recorded launches after the first runs.
                var (steadyAbs, steadyRel, steadyPass) = Compare(want, Flatten(compiled.Run(user)));
                (abs, rel, pass) = (Math.Max(abs, steadyAbs), Math.Max(rel, steadyRel), pass && steadyPass);
                allPass &= pass;
                output.Out.WriteLine($"{device,-10} {abs.ToString("0.00e+00", inv),12} {rel.ToString("0.00e+00", inv),12} {(pass ? "pass" : "FAIL"),-6} {hostSteps,10} {median.ToString("F1", inv),11}");
                if (hostSteps > 0) output.Out.WriteLine($"{"",-10} host steps: {string.Join(", ", compiled.PlanFor(user).HostStepNodes)}");
            }
            catch (Errors.JitException e)
            {
                allPass = false;
                output.Out.WriteLine($"{device,-10} {"-",12} {"-",12} {"FAIL",-6} {"-",10} {"-",11}  {e.Message}");
            }
        }
        return allPass ? 0 : 4;
    }

    /// <summary>Every tensor and number in the outputs, in order (tuples and lists flattened).</summary>
    private static List<IValue> Flatten(IEnumerable<IValue> values)
    {
        var flat = new List<IValue>();
        foreach (var v in values)
        {
            if (v.IsTuple) flat.AddRange(Flatten(v.AsTuple.Items));
            else if (v.IsList) flat.AddRange(Flatten(v.AsList.Items));
            else flat.Add(v);
        }
        return flat;
    }

    private static (double Abs, double Rel, bool Pass) Compare(List<IValue> want, List<IValue> got)
    {
        if (want.Count != got.Count) return (double.NaN, double.NaN, false);
        double maxAbs = 0, maxRel = 0;
        bool pass = true;
        for (int i = 0; i < want.Count; i++)
        {
            if (!want[i].IsTensor || !got[i].IsTensor)
            {
                pass &= want[i].Equals(got[i]);
                continue;
            }
            Tensor a = want[i].AsTensor, b = got[i].AsTensor.ToHost();
            if (a.DType != b.DType || !a.Sizes.SequenceEqual(b.Sizes)) return (double.NaN, double.NaN, false);
            for (long k = 0; k < a.NumElements; k++)
            {
                double x = a.GetDouble(k), y = b.GetDouble(k);
                if (double.IsNaN(x) && double.IsNaN(y)) continue;
                double d = x == y ? 0 : Math.Abs(x - y);
                maxAbs = Math.Max(maxAbs, d);
                if (x != 0) maxRel = Math.Max(maxRel, d / Math.Abs(x));
                if (!(d <= Atol + Rtol * Math.Abs(x))) pass = false;
            }
        }
        return (maxAbs, maxRel, pass);
    }

    // At least 20 runs and 0.3 s, after 3 warm-up runs.
    private static double MedianUs(Action run)
    {
        for (int i = 0; i < 3; i++) run();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 20 || (total.Elapsed.TotalSeconds < 0.3 && times.Count < 10_000))
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}

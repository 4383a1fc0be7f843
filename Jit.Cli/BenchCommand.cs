using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Runtime;

namespace Jit.Cli;

/// <summary>
/// <c>jit bench FILE --device D --input a.npy … [--threads N] [--interpreter] [--json]</c>: warms
/// up, then times single runs for at least a second per thread and reports the median, min and
/// max latency, the managed bytes one run allocates, and the arena the memory planner chose.
/// </summary>
public static class BenchCommand
{
    private static readonly TimeSpan MeasureFor = TimeSpan.FromSeconds(1);
    private const int WarmupRuns = 5;
    private const int AllocationRuns = 20;

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to time: a PyTorch flatbuffer module or a textual-IR graph (*.ir)" };
        var device = new Option<string>("--device", "-d") { Description = "cpu, cuda[:N], opencl[:N] or vulkan[:N]", DefaultValueFactory = _ => "cpu" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order)", AllowMultipleArgumentsPerToken = false };
        var threads = new Option<int>("--threads", "-t") { Description = "threads calling the model at once (one shared compiled module)", DefaultValueFactory = _ => 1 };
        var interpreter = new Option<bool>("--interpreter") { Description = "time the reference interpreter instead of the static runtime" };
        var json = new Option<bool>("--json") { Description = "print the results as one JSON object on the last line" };
        var command = new Command("bench", "time a model's runs on .npy inputs") { file, device, inputs, threads, interpreter, json };
        command.SetAction(r => output.Guard(() => Execute(output, r.GetValue(file)!, r.GetValue(device)!, r.GetValue(inputs) ?? [],
            r.GetValue(threads), r.GetValue(interpreter), r.GetValue(json))));
        return command;
    }

    private static int Execute(CliOutput output, string file, string deviceText, string[] inputPaths, int threads, bool interpreter, bool json)
    {
        if (threads < 1) throw new JitException($"--threads must be at least 1, got {threads}");
        var device = Device.Parse(deviceText);
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);
        var registry = new BackendRegistry().AddCpu();
        using var backend = registry.Open(device);

        long arena = 0;
        Func<Action> makeRunner;
        Jit.Modules.CompiledModule? compiled = null;
        if (interpreter)
        {
            // One interpreter per thread: it caches kernels per node in a plain dictionary.
            makeRunner = () =>
            {
                var it = new Interpreter(model.Graph, backend);
                return () => it.Run(inputs);
            };
        }
        else
        {
            compiled = RunCommand.Compile(model, backend);
            var user = model.Self is null ? inputs : inputs[1..];
            arena = compiled.PlanFor(user).Memory.ArenaBytes;
            // Each thread keeps its output tensors as destinations, the zero-allocation way to call.
            makeRunner = () =>
            {
                var outputs = new IValue[compiled.OutputCount];
                return () => compiled.Run(user, outputs);
            };
        }
        try
        {
            var main = makeRunner();
            for (int i = 0; i < WarmupRuns; i++) main();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < AllocationRuns; i++) main();
            long allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / AllocationRuns;

            var latencies = Measure(threads, main, makeRunner);
            latencies.Sort();
            double median = latencies.Count % 2 == 1
                ? latencies[latencies.Count / 2]
                : (latencies[latencies.Count / 2 - 1] + latencies[latencies.Count / 2]) / 2;
            string runtime = interpreter ? "interpreter" : "static";
            var inv = CultureInfo.InvariantCulture;
            output.Out.WriteLine($"{Path.GetFileName(file)} on {backend.Device} ({runtime}, {threads} thread{(threads == 1 ? "" : "s")}): " +
                $"median {median.ToString("F1", inv)} µs, min {latencies[0].ToString("F1", inv)} µs, max {latencies[^1].ToString("F1", inv)} µs over {latencies.Count} runs");
            output.Out.WriteLine($"allocated {allocated} bytes per run; arena {arena} bytes");
            if (json)
            {
                output.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["model"] = Path.GetFileName(file),
                    ["device"] = backend.Device.ToString(),
                    ["runtime"] = runtime,
                    ["threads"] = threads,
                    ["runs"] = latencies.Count,
                    ["median_us"] = Math.Round(median, 2),
                    ["min_us"] = Math.Round(latencies[0], 2),
                    ["max_us"] = Math.Round(latencies[^1], 2),
                    ["allocated_bytes_per_run"] = allocated,
                    ["arena_bytes"] = arena,
                }));
            }
            return 0;
        }
        finally
        {
            compiled?.Dispose();
        }
    }

    /// <summary>Per-run latencies in µs from every thread, each timing runs for at least <see cref="MeasureFor"/>.</summary>
    private static List<double> Measure(int threads, Action main, Func<Action> makeRunner)
    {
        var perThread = new List<double>[threads];
        var runners = new Action[threads];
        runners[0] = main;
        for (int t = 1; t < threads; t++)
        {
            runners[t] = makeRunner();
            runners[t]();
        }
        Exception? failure = null;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                var times = new List<double>(4096);
                try
                {
                    var sw = Stopwatch.StartNew();
                    while (sw.Elapsed < MeasureFor || times.Count < 10)
                    {
                        long start = Stopwatch.GetTimestamp();
                        runners[id]();
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                perThread[id] = times;
            });
            workers[t].Start();
        }
        foreach (var w in workers) w.Join();
        if (failure is not null) throw failure;
        return perThread.SelectMany(x => x).ToList();
    }
}

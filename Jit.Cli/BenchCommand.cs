using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jit.Backends.Cpu;
using Jit.Backends.OpenCL;
using Jit.Backends.Cpu.Kernels;
using Jit.Errors;
using Jit.Runtime;

namespace Jit.Cli;

/// <summary>
/// <c>jit bench FILE --device D --input a.npy … [--threads N] [--callers N] [--interpreter] [--no-fusion] [--json]</c>:
/// warms up, then times single runs for at least a second per calling thread and reports the median,
/// min and max latency, the managed bytes one run allocates, and the arena the memory planner chose.
/// <c>--threads</c> is the intra-op thread count the kernels use (<see cref="CpuThreads.Count"/>) for
/// the run; <c>--callers</c> is how many threads call the model at once.
/// </summary>
public static class BenchCommand
{
    private static readonly TimeSpan MeasureFor = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Warm-up lasts this long: .NET compiles hot methods again, optimized, on a background thread
    /// a little after their first 30 calls, and the timing should see only that steady-state code.
    /// </summary>
    private static readonly TimeSpan WarmFor = TimeSpan.FromSeconds(0.5);
    private const int AllocationRuns = 20;

    public static Command Create(CliOutput output)
    {
        var file = new Argument<string>("file") { Description = "model to time: a PyTorch flatbuffer module or a textual-IR graph (*.ir)" };
        var device = new Option<string>("--device", "-d") { Description = "cpu, cuda[:N], opencl[:N] or vulkan[:N]", DefaultValueFactory = _ => "cpu" };
        var inputs = new Option<string[]>("--input", "-i") { Description = ".npy file for the next graph input (repeat, in order)", AllowMultipleArgumentsPerToken = false };
        var threads = new Option<int>("--threads", "-t") { Description = "intra-op threads each kernel may use (CpuThreads.Count) during the run", DefaultValueFactory = _ => 1 };
        var callers = new Option<int>("--callers", "-c") { Description = "threads calling the model at once (one shared compiled module)", DefaultValueFactory = _ => 1 };
        var interpreter = new Option<bool>("--interpreter") { Description = "time the reference interpreter instead of the static runtime" };
        var json = new Option<bool>("--json") { Description = "print the results as one JSON object on the last line" };
        var noFusion = new Option<bool>("--no-fusion") { Description = "run unfused even where the backend compiles fusion groups (to compare)" };
        var profile = new Option<bool>("--profile") { Description = "also time each step of the static runtime's plan and print where the time goes" };
        var noGraphs = new Option<bool>("--no-graphs") { Description = "on a device, walk the plan's steps every run instead of replaying its recorded launches (CUDA graphs, Vulkan command buffers)" };
        var resident = new Option<bool>("--resident") { Description = "on a device, upload the inputs once and keep the outputs in device tensors given as destinations: time the device work alone, not the copies at the plan's edges" };
        var command = new Command("bench", "time a model's runs on .npy inputs") { file, device, inputs, threads, callers, interpreter, json, noFusion, profile, noGraphs, resident };
        command.SetAction(r => output.Guard(() => Execute(output, r.GetValue(file)!, r.GetValue(device)!, r.GetValue(inputs) ?? [],
            r.GetValue(threads), r.GetValue(callers), r.GetValue(interpreter), r.GetValue(json), r.GetValue(noFusion), r.GetValue(profile), r.GetValue(noGraphs), r.GetValue(resident))));
        return command;
    }

    private static int Execute(CliOutput output, string file, string deviceText, string[] inputPaths, int threads, int callers, bool interpreter, bool json,
        bool noFusion, bool profile, bool noGraphs, bool resident)
    {
        if (profile && interpreter) throw new JitException("--profile times the static runtime's steps; it cannot be combined with --interpreter");
        if (threads < 1) throw new JitException($"--threads must be at least 1, got {threads}");
        if (callers < 1) throw new JitException($"--callers must be at least 1, got {callers}");
        int savedThreads = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            return Time(output, file, deviceText, inputPaths, threads, callers, interpreter, json, noFusion, profile, noGraphs, resident);
        }
        finally
        {
            CpuThreads.Count = savedThreads;
        }
    }

    private static int Time(CliOutput output, string file, string deviceText, string[] inputPaths, int threads, int callers, bool interpreter, bool json,
        bool noFusion, bool profile, bool noGraphs, bool resident)
    {
        var device = Device.Parse(deviceText);
        var model = ModelFile.Load(file);
        var inputs = model.ReadInputs(inputPaths);
        // What a compiled module takes: a bound self is not an input.
        var user = model.Self is null ? inputs : inputs[1..];
        var registry = CliBackends.Registry();
        using var backend = registry.Open(device);
        if (interpreter && !backend.IsHost)
            throw new Errors.JitException($"--interpreter: the reference interpreter runs on the host, not on '{backend.Device}'");
        if (resident && (backend.IsHost || interpreter))
            throw new Errors.JitException($"--resident keeps tensors in device memory; '{backend.Device}' is the host");

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
            compiled = CliBackends.Compile(model, backend, fuse: !noFusion, replayLaunches: !noGraphs);
            arena = compiled.PlanFor(user).Memory.ArenaBytes;
            // Each thread keeps its output tensors as destinations, the zero-allocation way to call.
            if (resident) user = [.. user.Select(v => Jit.Runtime.Devices.DeviceTransfer.ToDevice(v, backend.Allocator!))];
            var first = compiled.Run(user);
            var module = compiled;
            var runInputs = user;
            makeRunner = () =>
            {
                var outputs = resident ? DeviceDestinations(first, backend) : new IValue[module.OutputCount];
                return () => module.Run(runInputs, outputs);
            };
        }
        try
        {
            var main = makeRunner();
            Warm(main);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < AllocationRuns; i++) main();
            long allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / AllocationRuns;

            var latencies = Measure(callers, main, makeRunner);
            latencies.Sort();
            double median = latencies.Count % 2 == 1
                ? latencies[latencies.Count / 2]
                : (latencies[latencies.Count / 2 - 1] + latencies[latencies.Count / 2]) / 2;
            string runtime = interpreter ? "interpreter" : "static";
            var inv = CultureInfo.InvariantCulture;
            output.Out.WriteLine($"{Path.GetFileName(file)} on {backend.Device} ({runtime}, {Plural(threads, "thread")}, {Plural(callers, "caller")}): " +
                $"median {median.ToString("F1", inv)} µs, min {latencies[0].ToString("F1", inv)} µs, max {latencies[^1].ToString("F1", inv)} µs over {latencies.Count} runs");
            output.Out.WriteLine($"allocated {allocated} bytes per run; arena {arena} bytes");
            if (compiled is not null && !backend.IsHost) output.Out.WriteLine(LaunchMode(compiled, user, noGraphs));
            // On Vulkan the profiled runs also write timestamps around each launch.
            var timestamps = profile && backend is Backends.Vulkan.VulkanBackend vulkan ? vulkan.KernelTimes : null;
            if (timestamps is not null)
            {
                timestamps.Reset();
                timestamps.Enabled = true;
            }
            var steps = profile ? ProfileSteps(compiled!, user) : [];
            if (timestamps is not null) timestamps.Enabled = false;
            double stepsTotal = steps.Sum(s => s.Us);
            foreach (var (description, us) in steps.OrderByDescending(s => s.Us))
                output.Out.WriteLine($"{us.ToString("F2", CultureInfo.InvariantCulture),9} µs {100 * us / stepsTotal,5:F1}%  {OneLine(description)}");
            if (timestamps is not null)
            {
                output.Out.WriteLine("device time per kernel launch (Vulkan timestamp queries):");
                foreach (var (kernel, us, launches) in timestamps.Snapshot())
                    output.Out.WriteLine($"{(us / launches).ToString("F2", inv),9} µs  x{launches,-7} {kernel}");
            }
            if (json)
            {
                output.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["model"] = Path.GetFileName(file),
                    ["device"] = backend.Device.ToString(),
                    ["runtime"] = runtime,
                    ["threads"] = threads,
                    ["callers"] = callers,
                    ["runs"] = latencies.Count,
                    ["median_us"] = Math.Round(median, 2),
                    ["min_us"] = Math.Round(latencies[0], 2),
                    ["max_us"] = Math.Round(latencies[^1], 2),
                    ["allocated_bytes_per_run"] = allocated,
                    ["arena_bytes"] = arena,
                    ["steps"] = steps.Select(s => new Dictionary<string, object> { ["step"] = s.Step, ["mean_us"] = Math.Round(s.Us, 3) }).ToArray(),
                }));
            }
            return 0;
        }
        finally
        {
            compiled?.Dispose();
        }
    }

    // Whether the runs replayed recorded launches (a CUDA graph, a Vulkan command buffer, an OpenCL launch list).
    private static string LaunchMode(Jit.Modules.CompiledModule compiled, IValue[] inputs, bool noGraphs)
    {
        var plan = compiled.PlanFor(inputs);
        var runtime = plan.Rent();
        try
        {
            return runtime.LastRunReplayed ? "launches: replayed from a recording each run"
                : noGraphs ? "launches: walked each run (--no-graphs)"
                : $"launches: walked each run{(runtime.RecordingRefused is { } why ? $" ({why})" : "")}";
        }
        finally
        {
            plan.Return(runtime);
        }
    }

    // Device tensors shaped as a run's outputs, given as destinations so each run writes in place.
    private static IValue[] DeviceDestinations(IValue[] outputs, IBackend backend) =>
        [.. outputs.Select(v => v.IsTensor
            ? IValue.FromTensor(Jit.Tensors.Tensor.EmptyOn(backend.Allocator!, v.AsTensor.DType, v.AsTensor.Sizes))
            : throw new Errors.JitException($"--resident needs tensor outputs; the model returns a {v.TagName}"))];

    /// <summary>Each top-level step's mean µs over runs for at least <see cref="MeasureFor"/>, in plan order.</summary>
    private static List<(string Step, double Us)> ProfileSteps(Jit.Modules.CompiledModule compiled, IValue[] inputs)
    {
        var plan = compiled.PlanFor(inputs);
        var runtime = plan.Rent();
        try
        {
            var outputs = new IValue[compiled.OutputCount];
            var ticks = new long[plan.StepDescriptions.Count];
            Warm(() => runtime.RunProfiled(inputs, outputs, ticks));
            Array.Clear(ticks);
            int runs = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < MeasureFor || runs < 10)
            {
                runtime.RunProfiled(inputs, outputs, ticks);
                runs++;
            }
            return [.. plan.StepDescriptions.Select((d, i) => (d, ticks[i] * 1e6 / Stopwatch.Frequency / runs))];
        }
        finally
        {
            plan.Return(runtime);
        }
    }

    private static string OneLine(string s)
    {
        s = s.ReplaceLineEndings(" ");
        return s.Length > 140 ? s[..140] + "…" : s;
    }

    private static void Warm(Action run)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 5 || sw.Elapsed < WarmFor; i++) run();
    }

    private static string Plural(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>Per-run latencies in µs from every calling thread, each timing runs for at least <see cref="MeasureFor"/>.</summary>
    private static List<double> Measure(int callers, Action main, Func<Action> makeRunner)
    {
        var perThread = new List<double>[callers];
        var runners = new Action[callers];
        runners[0] = main;
        for (int t = 1; t < callers; t++)
        {
            runners[t] = makeRunner();
            runners[t]();
        }
        Exception? failure = null;
        var workers = new Thread[callers];
        for (int t = 0; t < callers; t++)
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

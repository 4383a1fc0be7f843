using BenchmarkDotNet.Attributes;
using Jit.Modules;

namespace Jit.Benchmarks;

/// <summary>
/// JitModule.Load plus building forward's graph, from bytes in memory (file reading is the OS's
/// business and PyTorch's loaders are timed the same way by tools/bench_load_pytorch.py).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class LoadBenchmarks
{
    private byte[] _bytes = [];

    [Params("mlp", "control", "submodule", "attrs", "big")]
    public string Model { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup() => _bytes = ModelFiles.Read(Model);

    [Benchmark]
    public object LoadAndBuildForward()
    {
        var m = JitModule.Load(_bytes);
        return m.MethodGraph("forward");
    }
}

using BenchmarkDotNet.Attributes;
using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;

namespace Jit.Benchmarks;

/// <summary>
/// The default inference pass pipeline on each model fixture's forward graph (a fresh copy per
/// run, as a real compile starts from the loaded graph). The target is under 50 ms each.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private JitModule _module = null!;
    private Graph _graph = null!;
    private CpuBackend _cpu = null!;

    [Params("mlp", "elementwise", "cnn", "resnet_block", "transformer", "control_flow", "int_bool", "tuple_out", "shared_submodule")]
    public string Model { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup()
    {
        _module = JitModule.Load(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "models", Model, "model.ptmf")));
        _graph = _module.MethodGraph("forward");
        _cpu = new CpuBackend(Device.Cpu);
    }

    [GlobalCleanup]
    public void Cleanup() => _cpu.Dispose();

    [Benchmark]
    public Graph DefaultPipeline()
    {
        var g = _graph.Copy();
        PassManager.Default(context: new PassContext(_module, _cpu)).Run(g);
        return g;
    }
}

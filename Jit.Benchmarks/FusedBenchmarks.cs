using BenchmarkDotNet.Attributes;
using Jit.Backends.Cpu.Codegen;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// The compiled TE kernels against a plain memory copy of the same bytes (16M float32 in and
/// out): <see cref="MemoryCopy"/> is the bandwidth ceiling, <see cref="FusedChain5"/> should reach
/// at least 70% of it; <see cref="Elementwise"/> is the fixture's 33-op transcendental chain.
/// Quick medians without BenchmarkDotNet: <c>-- fused</c> / <c>-- elementwise</c> (<see cref="FusedTimer"/>).
/// </summary>
[MemoryDiagnoser]
public class FusedBenchmarks
{
    private const int N = 16 << 20;
    private Tensor _x = null!, _y = null!, _ex = null!, _ey = null!, _eo = null!;
    private CompiledTeKernel _chain = null!, _elementwise = null!;

    [Params(3 * 37, 256 * 4096)]
    public int ElementwiseSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = Tensor.Empty(DType.Float32, N);
        _y = Tensor.Empty(DType.Float32, N);
        var s = _x.ContiguousSpan<float>();
        for (int i = 0; i < N; i++) s[i] = (i % 1000) * 0.001f - 0.5f;
        _chain = TeIlCompiler.Compile(FusedKernels.Chain5());
        _elementwise = TeIlCompiler.Compile(FusedKernels.Elementwise());
        long rows = ElementwiseSize == 3 * 37 ? 3 : 256;
        _ex = Tensor.Empty(DType.Float32, rows, ElementwiseSize / rows);
        _ey = Tensor.Empty(DType.Float32, rows, ElementwiseSize / rows);
        _eo = Tensor.Empty(DType.Float32, rows, ElementwiseSize / rows);
        var rng = new Random(1);
        for (long i = 0; i < _ex.NumElements; i++)
        {
            _ex.SetDouble(i, rng.NextDouble() * 4 - 2);
            _ey.SetDouble(i, rng.NextDouble() * 4 - 2);
        }
    }

    [Benchmark(Baseline = true)]
    public unsafe void MemoryCopy()
    {
        fixed (float* s = _x.ContiguousSpan<float>())
        fixed (float* d = _y.ContiguousSpan<float>())
        {
            Buffer.MemoryCopy(s, d, (long)N * 4, (long)N * 4);
        }
    }

    [Benchmark]
    public void FusedChain5() => _chain.Run([_x], [_y]);

    [Benchmark]
    public void Elementwise() => _elementwise.Run([_ex, _ey], [_eo]);
}

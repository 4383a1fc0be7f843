using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Jit.Backends.Cpu;
using Jit.Backends.Cpu.Kernels;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// Float32 aten::mm at 128³, 512³ and 1024³ on 1 and 2 threads (<see cref="CpuThreads"/>), with a
/// GFLOP/s column. For the side-by-side with OpenBLAS use tools/bench_gemm_openblas.sh, which
/// times both the same way.
/// </summary>
[ShortRunJob]
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private OpKernel _mm = null!;
    private Tensor _a = null!, _b = null!;
    private readonly IValue[] _out = new IValue[1];

    [Params(128, 512, 1024)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        cpu.Kernels.TryGet("aten::mm", out _mm);
        var rng = new Random(1);
        _a = Tensor.FromArray(Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble()).ToArray(), Size, Size);
        _b = Tensor.FromArray(Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble()).ToArray(), Size, Size);
        CpuThreads.Count = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => CpuThreads.Count = 1;

    [Benchmark]
    public IValue Mm()
    {
        _mm([_a, _b], _out);
        return _out[0];
    }

    private sealed class GflopsConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }

    /// <summary>2·N³ floating-point operations over the mean time.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2·N³ / mean time";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is null) return "-";
            double n = Convert.ToDouble(benchmarkCase.Parameters["Size"], System.Globalization.CultureInfo.InvariantCulture);
            return (2 * n * n * n / report.ResultStatistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

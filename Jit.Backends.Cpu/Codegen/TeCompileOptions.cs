namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// How <see cref="TeIlCompiler"/> compiles a kernel. The defaults pick the widest accelerated
/// vector width and run loops annotated parallel on <c>CpuThreads.Count</c> threads when a call
/// touches at least <see cref="ParallelMinElements"/> elements.
/// </summary>
public sealed record TeCompileOptions
{
    public static readonly TeCompileOptions Default = new();

    /// <summary>0: Vector512 when accelerated, else Vector256, else scalar; 256 or 512 force a width (tests); -1: scalar only.</summary>
    public int VectorBits { get; init; }

    /// <summary>Parallel loops run serially below this many elements (inputs plus outputs) per call.</summary>
    public long ParallelMinElements { get; init; } = 1 << 15;

    /// <summary>The vector width this compilation uses, in bits (0 = none).</summary>
    public int ResolvedVectorBits => VectorBits switch
    {
        -1 => 0,
        256 or 512 => VectorBits,
        _ => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 0,
    };
}

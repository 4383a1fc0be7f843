namespace Jit.TensorExpr;

/// <summary>
/// A schedule annotation on a loop: <see cref="LoopKind.Vectorized"/> and
/// <see cref="LoopKind.Unrolled"/> carry a <see cref="Width"/>, the GPU kinds an
/// <see cref="Axis"/> (0 = x, 1 = y, 2 = z). Annotations never change a kernel's results.
/// </summary>
public sealed record LoopAnnotation(LoopKind Kind, int Width = 0, int Axis = 0)
{
    public static readonly LoopAnnotation Serial = new(LoopKind.Serial);
    public static readonly LoopAnnotation Parallel = new(LoopKind.Parallel);

    public static LoopAnnotation Vectorize(int width) => new(LoopKind.Vectorized, Width: width);
    public static LoopAnnotation Unroll(int factor) => new(LoopKind.Unrolled, Width: factor);
    public static LoopAnnotation GpuBlock(int axis) => new(LoopKind.GpuBlock, Axis: axis);
    public static LoopAnnotation GpuThread(int axis) => new(LoopKind.GpuThread, Axis: axis);
    public static LoopAnnotation GpuGlobal(int axis) => new(LoopKind.GpuGlobal, Axis: axis);

    public override string ToString() => Kind switch
    {
        LoopKind.Serial => "serial",
        LoopKind.Parallel => "parallel",
        LoopKind.Vectorized => $"vectorize({Width})",
        LoopKind.Unrolled => $"unroll({Width})",
        LoopKind.GpuBlock => $"gpu.block.{"xyz"[Math.Clamp(Axis, 0, 2)]}",
        LoopKind.GpuGlobal => $"gpu.global.{"xyz"[Math.Clamp(Axis, 0, 2)]}",
        _ => $"gpu.thread.{"xyz"[Math.Clamp(Axis, 0, 2)]}",
    };
}

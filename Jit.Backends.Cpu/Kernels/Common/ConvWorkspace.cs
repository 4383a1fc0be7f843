namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread buffers of the direct conv kernels (<see cref="ConvDepthwise"/>,
/// <see cref="ConvWinograd"/>), one per use, grown to the largest request seen and kept: a steady
/// stream of convs allocates nothing. Thread-static because planes are split across threads.
/// </summary>
internal static class ConvWorkspace<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? _plane;
    [ThreadStatic] private static T[]? _transformed;
    [ThreadStatic] private static T[]? _products;

    /// <summary>A padded input plane (<see cref="PhasePlane"/>).</summary>
    public static Span<T> Plane(int size) => Grow(ref _plane, size);

    /// <summary>Winograd-transformed inputs.</summary>
    public static Span<T> Transformed(long size) => Grow(ref _transformed, size);

    /// <summary>Winograd-domain products, before the output transform.</summary>
    public static Span<T> Products(long size) => Grow(ref _products, size);

    /// <summary>The array behind the last <see cref="Transformed"/> span, for workers of the thread that asked for it.</summary>
    public static T[] TransformedArray() => _transformed!;

    /// <summary>The array behind the last <see cref="Products"/> span, for workers of the thread that asked for it.</summary>
    public static T[] ProductsArray() => _products!;

    private static Span<T> Grow(ref T[]? buffer, long size)
    {
        if (buffer is null || buffer.Length < size) buffer = GC.AllocateUninitializedArray<T>(checked((int)Math.Max(size, 1024)));
        return buffer.AsSpan(0, (int)size);
    }
}

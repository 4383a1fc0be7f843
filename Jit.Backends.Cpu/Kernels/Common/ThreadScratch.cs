namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread scratch, one buffer per element type and use (<typeparamref name="TUse"/>, a marker
/// type private to its caller, so uses that might nest never share one), only ever grown, so a
/// steady stream of same-sized calls allocates nothing (as <see cref="GemmWorkspace{T}"/>).
/// </summary>
internal static class ThreadScratch<T, TUse> where T : unmanaged where TUse : struct
{
    [ThreadStatic] private static T[]? _buffer;

    /// <summary>The first <paramref name="length"/> elements of this thread's scratch (old contents, not cleared).</summary>
    public static Span<T> Take(long length)
    {
        if (_buffer is null || _buffer.Length < length)
            _buffer = GC.AllocateUninitializedArray<T>(checked((int)length));
        return _buffer.AsSpan(0, (int)length);
    }

    /// <summary>
    /// The array behind <see cref="Take"/> (at least <paramref name="length"/> elements), for work
    /// the taking thread hands to helper threads and waits for: a span cannot go into the chunk body they share.
    /// </summary>
    public static T[] TakeArray(long length)
    {
        Take(length);
        return _buffer!;
    }
}

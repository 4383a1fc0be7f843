namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread scratch of the fused attention kernels (the q/k/v projection, scores, context,
/// hidden activations), only ever grown, so a steady stream of same-sized calls allocates
/// nothing (as <see cref="GemmWorkspace{T}"/>). A call takes the whole scratch once and cuts it
/// into its buffers; nothing it calls takes it again.
/// </summary>
internal static class AttentionWorkspace<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? _buffer;

    /// <summary>The first <paramref name="length"/> elements of this thread's scratch (old contents, not cleared).</summary>
    public static Span<T> Take(long length)
    {
        if (_buffer is null || _buffer.Length < length)
            _buffer = GC.AllocateUninitializedArray<T>(checked((int)length));
        return _buffer.AsSpan(0, (int)length);
    }
}

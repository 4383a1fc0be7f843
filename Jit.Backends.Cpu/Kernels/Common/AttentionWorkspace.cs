namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread scratch of the fused attention kernels (the q/k/v projection, scores, context,
/// hidden activations): see <see cref="ThreadScratch{T, TUse}"/>. A call takes the whole scratch
/// once and cuts it into its buffers; nothing it calls takes it again.
/// </summary>
internal static class AttentionWorkspace<T> where T : unmanaged
{
    private readonly struct Use;

    /// <summary>The first <paramref name="length"/> elements of this thread's scratch (old contents, not cleared).</summary>
    public static Span<T> Take(long length) => ThreadScratch<T, Use>.Take(length);
}

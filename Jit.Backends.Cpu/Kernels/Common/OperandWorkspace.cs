namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread scratch for a contiguous copy of (part of) a strided operand, such as a layer_norm row
/// of a permuted view: only ever grown, to the largest copy the thread has needed, so a steady
/// stream of calls allocates nothing (as <see cref="GemmWorkspace{T}"/>). A caller takes it once
/// and nothing it calls takes it again.
/// </summary>
internal static class OperandWorkspace<T> where T : unmanaged
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

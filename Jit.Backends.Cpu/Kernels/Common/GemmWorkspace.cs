namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread packing buffers for <see cref="PackedGemm"/>: pinned, 64-byte aligned and only
/// ever grown, so a steady stream of GEMMs allocates nothing. Thread-static because every
/// worker packs its own panels; a pool thread keeps its buffers for the next call. The shared
/// buffer holds the B panels all workers of a row split read; it belongs to the thread that
/// called the GEMM, which waits for the workers. The input buffer holds an A operand copied into
/// rows before the GEMM (a linear's input whose leading dims do not fold into one stride).
/// </summary>
internal static unsafe class GemmWorkspace<T> where T : unmanaged
{
    private const int Align = 64;

    [ThreadStatic] private static T[]? _a;
    [ThreadStatic] private static T[]? _b;
    [ThreadStatic] private static T[]? _tile;
    [ThreadStatic] private static T[]? _shared;
    [ThreadStatic] private static T[]? _input;

    public static T* PackedA(long length) => Aligned(ref _a, length);
    public static T* PackedB(long length) => Aligned(ref _b, length);
    public static T* Tile(long length) => Aligned(ref _tile, length);
    public static T* Shared(long length) => Aligned(ref _shared, length);
    public static T* Input(long length) => Aligned(ref _input, length);

    private static T* Aligned(ref T[]? buffer, long length)
    {
        long need = length + Align / sizeof(T);
        if (buffer is null || buffer.Length < need)
            buffer = GC.AllocateUninitializedArray<T>(checked((int)need), pinned: true);
        // The array lives on the pinned object heap: its address never changes.
        nint p = (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
        return (T*)((p + Align - 1) & ~(nint)(Align - 1));
    }
}

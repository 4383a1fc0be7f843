using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Per-thread contiguous copies of strided operands for kernels that read only contiguous memory
/// (conv2d of a permuted view): one buffer, only ever grown to the largest copy the thread has
/// made, and a few tensors over it, one per recent dtype and shape, so a steady stream of calls
/// allocates nothing (as <see cref="GemmWorkspace{T}"/>). A copy lives until the thread's next
/// copy: a kernel takes one, and nothing it calls takes another.
/// </summary>
internal static class ContiguousScratch
{
    private const int Shapes = 8;

    [ThreadStatic] private static byte[]? _buffer;
    [ThreadStatic] private static Tensor?[]? _views;
    [ThreadStatic] private static int _next;

    /// <summary><paramref name="x"/>'s values in this thread's scratch, laid out contiguously.</summary>
    public static Tensor Copy(Tensor x)
    {
        long bytes = x.NumElements * x.DType.ElementSize();
        if (_buffer is null || _buffer.LongLength < bytes)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(checked((int)Math.Max(bytes, 1)));
            _views = new Tensor?[Shapes]; // tensors over the old buffer go with it
        }
        var views = _views ??= new Tensor?[Shapes];
        Tensor? view = null;
        foreach (var v in views)
        {
            if (v is not null && v.DType == x.DType && v.Sizes.SequenceEqual(x.Sizes))
            {
                view = v;
                break;
            }
        }
        if (view is null)
        {
            view = new Tensor(new TensorStorage(_buffer.AsMemory(0, (int)bytes)), x.DType, x.Sizes, ShapeUtil.ContiguousStrides(x.Sizes));
            views[_next] = view;
            _next = (_next + 1) % Shapes;
        }
        ShapeCopy.Copy(x, view);
        return view;
    }
}

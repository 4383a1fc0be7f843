using System.Collections.Concurrent;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Kernels;

/// <summary>
/// <c>aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)</c> on a CUDA
/// device: <c>src</c> (this device or the host) broadcast into <c>self</c>, any strides and offsets,
/// converting dtypes. A contiguous same-dtype copy is one device copy; the rest run a TE kernel per
/// (dtypes, rank) whose sizes and strides are params, so one compile serves every shape. A host
/// source is uploaded first; a source overlapping the destination is copied aside first.
/// </summary>
internal sealed class CudaCopyKernel(CudaBackend backend)
{
    private readonly ConcurrentDictionary<(DType, DType, int), IGpuKernel> _kernels = new();

    public void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs)
    {
        Copy(inputs[0].AsTensor, inputs[1].AsTensor);
        outputs[0] = inputs[0];
    }

    public void Copy(Tensor dst, Tensor src)
    {
        string device = backend.Device.ToString();
        if (dst.IsHost)
            throw new JitDeviceException(device, "aten::copy_ into a host tensor runs on the host: download the source first (Tensor.ToHost)");
        var dstMem = CudaBuffer.Of(dst.Storage.Buffer, backend, "aten::copy_ destination");
        if (dst.NumElements == 0) return;
        var queue = backend.QueueForThread();
        DeviceBuffer? temp = null;
        try
        {
            var source = Broadcast(Source(src, dstMem, dst, queue, ref temp), dst.SizesArray());
            long esSrc = src.DType.ElementSize(), esDst = dst.DType.ElementSize();
            if (src.DType == dst.DType && source.IsContiguous && dst.IsContiguous)
                queue.Copy(source.Storage.Buffer!, source.Storage.ByteOffset + source.StorageOffset * esSrc, dstMem,
                    dst.Storage.ByteOffset + dst.StorageOffset * esDst, dst.NumElements * esDst);
            else
                KernelFor(src.DType, dst.DType, dst.Rank).RunInto([IValue.FromTensor(source)], [IValue.FromTensor(dst)]);
        }
        finally
        {
            if (temp is not null) queue.ReleaseAfterUse(temp);
        }
    }

    // The source on this device: itself, or a temporary copy when it is on the host or overlaps the destination.
    private Tensor Source(Tensor src, CudaBuffer dstMem, Tensor dst, CudaQueue queue, ref DeviceBuffer? temp)
    {
        var (offset, length) = src.ByteExtent();
        long es = src.DType.ElementSize();
        if (src.IsHost)
        {
            temp = backend.Allocator.Allocate(Math.Max(length, es));
            queue.Upload(temp, 0, src.Storage.Bytes.Span.Slice((int)offset, (int)length));
            return new Tensor(new TensorStorage(temp), src.DType, src.Sizes, src.Strides, src.StorageOffset - offset / es);
        }
        var mem = CudaBuffer.Of(src.Storage.Buffer, backend, "aten::copy_ source");
        if (!ReferenceEquals(mem, dstMem)) return src;
        var (dOffset, dLength) = dst.ByteExtent();
        long srcStart = src.Storage.ByteOffset + offset, dstStart = dst.Storage.ByteOffset + dOffset;
        if (srcStart >= dstStart + dLength || dstStart >= srcStart + length) return src;
        temp = backend.Allocator.Allocate(Math.Max(length, es));
        queue.Copy(mem, srcStart, temp, 0, length);
        return new Tensor(new TensorStorage(temp), src.DType, src.Sizes, src.Strides, src.StorageOffset - offset / es);
    }

    // src viewed at the destination's sizes: dims aligned right, broadcast dims with stride 0.
    private static Tensor Broadcast(Tensor src, long[] sizes)
    {
        if (src.Sizes.SequenceEqual(sizes)) return src;
        int lead = sizes.Length - src.Rank;
        if (lead < 0) throw new JitShapeException($"aten::copy_: cannot broadcast {src} to [{string.Join(", ", sizes)}]");
        var strides = new long[sizes.Length];
        for (int d = 0; d < src.Rank; d++)
        {
            long s = src.Sizes[d];
            if (s != sizes[lead + d] && s != 1)
                throw new JitShapeException($"aten::copy_: cannot broadcast {src} to [{string.Join(", ", sizes)}]");
            strides[lead + d] = s == 1 ? 0 : src.Strides[d];
        }
        return new Tensor(src.Storage, src.DType, sizes, strides, src.StorageOffset);
    }

    private IGpuKernel KernelFor(DType from, DType to, int rank) =>
        _kernels.GetOrAdd((from, to, rank), k => backend.GpuKernels.GetOrCompile(Build(k.Item1, k.Item2, k.Item3)));

    /// <summary>dst[i...] = src[i...] over sizes n, source strides a, destination strides b (all params).</summary>
    internal static TeKernel Build(DType from, DType to, int rank)
    {
        var n = Enumerable.Range(0, rank).Select(d => new Var("n" + d)).ToArray();
        var a = Enumerable.Range(0, rank).Select(d => new Var("a" + d)).ToArray();
        var b = Enumerable.Range(0, rank).Select(d => new Var("b" + d)).ToArray();
        var i = Enumerable.Range(0, rank).Select(d => new Var("i" + d)).ToArray();
        var src = new TeBuffer("src", from, NodeList.Create<Expr>(n), NodeList.Create<Expr>(a));
        var dst = new TeBuffer("dst", to, NodeList.Create<Expr>(n), NodeList.Create<Expr>(b));
        Stmt body = dst.Store(i, src.Load(i));
        for (int d = rank - 1; d >= 0; d--) body = new ForStmt(i[d], 0, n[d], body);
        return new TeKernel($"copy_{from.PythonName()}_{to.PythonName()}_r{rank}", NodeList.Create<Var>([.. n, .. a, .. b]),
            NodeList.Create<TeBuffer>([src]), NodeList.Create<TeBuffer>([dst]), body);
    }
}

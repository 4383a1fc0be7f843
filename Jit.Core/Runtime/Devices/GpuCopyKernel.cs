using System.Collections.Concurrent;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Runtime.Devices;

/// <summary>
/// <c>aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)</c> for a GPU
/// backend whose kernels are compiled TE kernels (CUDA, Vulkan): <c>src</c> (on the device or the
/// host) broadcast into <c>self</c> (on the device), any strides and offsets. A contiguous
/// same-dtype copy is one device copy on the current queue; the rest run a strided TE kernel over
/// the merged geometry (<see cref="CopyGeometry"/>), one per (rank, dtypes) with sizes and strides
/// as params, converting with <see cref="CastExpr"/>'s semantics. A host source is uploaded first;
/// a source overlapping the destination is copied aside first.
/// </summary>
/// <param name="backend">The device (its allocator makes the temporaries).</param>
/// <param name="kernels">Where the copy kernels are compiled and kept.</param>
/// <param name="currentQueue">The queue the thread's work goes to on this backend.</param>
/// <param name="releaseTemporary">Gives back a temporary once the queued work using it is done.</param>
/// <param name="converts">The dtypes a strided copy kernel may read or write on this device.</param>
public sealed class GpuCopyKernel(IBackend backend, GpuKernelCache kernels, Func<IDeviceQueue> currentQueue,
    Action<DeviceBuffer> releaseTemporary, Func<DType, bool> converts)
{
    private const int MaxRank = 8;
    private readonly ConcurrentDictionary<(int, DType, DType), IGpuKernel> _kernels = new();

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
        var dstMem = Owned(dst.Storage.Buffer, "aten::copy_ destination");
        if (dst.NumElements == 0) return;
        var geometry = CopyGeometry.Create(dst, src, MaxRank, device);
        bool bytesOnly = src.DType == dst.DType && geometry.IsContiguous;
        if (!bytesOnly && (!converts(src.DType) || !converts(dst.DType)))
            throw new JitDeviceException(device, $"aten::copy_ from {src.DType.PythonName()} to {dst.DType.PythonName()} with strides is not supported on '{device}'");
        var queue = currentQueue();
        DeviceBuffer? temp = null;
        try
        {
            var (srcMem, srcElem) = Source(src, dstMem, dst, queue, ref temp);
            long dstElem = ElementOffset(dst);
            long esSrc = src.DType.ElementSize(), esDst = dst.DType.ElementSize();
            if (bytesOnly)
                queue.Copy(srcMem, srcElem * esSrc, dstMem, dstElem * esDst, geometry.Count * esDst);
            else
            {
                var srcView = new Tensor(new TensorStorage(srcMem), src.DType, geometry.Sizes, geometry.SourceStrides, srcElem);
                var dstView = new Tensor(new TensorStorage(dstMem), dst.DType, geometry.Sizes, geometry.DestinationStrides, dstElem);
                Kernel(geometry.Rank, src.DType, dst.DType).RunInto([IValue.FromTensor(srcView)], [IValue.FromTensor(dstView)]);
            }
        }
        finally
        {
            if (temp is not null) releaseTemporary(temp);
        }
    }

    // The source's buffer and element offset: its own, or a temporary one when it is on the host or overlaps the destination.
    private (DeviceBuffer Mem, long Element) Source(Tensor src, DeviceBuffer dstMem, Tensor dst, IDeviceQueue queue, ref DeviceBuffer? temp)
    {
        var (offset, length) = src.ByteExtent();
        long es = src.DType.ElementSize();
        if (src.IsHost)
        {
            temp = backend.Allocator!.Allocate(Math.Max(length, es));
            queue.Upload(temp, 0, src.Storage.Bytes.Span.Slice((int)offset, (int)length));
            return (temp, src.StorageOffset - offset / es);
        }
        var mem = Owned(src.Storage.Buffer, "aten::copy_ source");
        long element = ElementOffset(src);
        if (!ReferenceEquals(mem, dstMem)) return (mem, element);
        var (dOffset, dLength) = dst.ByteExtent();
        long srcStart = src.Storage.ByteOffset + offset, dstStart = dst.Storage.ByteOffset + dOffset;
        if (srcStart >= dstStart + dLength || dstStart >= srcStart + length) return (mem, element);
        temp = backend.Allocator!.Allocate(Math.Max(length, es));
        queue.Copy(mem, srcStart, temp, 0, length);
        return (temp, src.StorageOffset - offset / es);
    }

    private DeviceBuffer Owned(DeviceBuffer? buffer, string what)
    {
        if (buffer is null || buffer.Device != backend.Device)
            throw new JitDeviceException(backend.Device.ToString(),
                $"{what}: expected memory of '{backend.Device}', got {(buffer is null ? "host memory" : $"memory of '{buffer.Device}'")}");
        ObjectDisposedException.ThrowIf(buffer.IsReleased, buffer);
        return buffer;
    }

    private long ElementOffset(Tensor t)
    {
        long es = t.DType.ElementSize();
        if (t.Storage.ByteOffset % es != 0)
            throw new JitDeviceException(backend.Device.ToString(),
                $"aten::copy_: a {t.DType.PythonName()} storage starts at byte {t.Storage.ByteOffset}, not a multiple of its {es}-byte elements");
        return t.Storage.ByteOffset / es + t.StorageOffset;
    }

    // dst[i] = (to) src[i] over `rank` dims, sizes and both tensors' strides as params.
    private IGpuKernel Kernel(int rank, DType from, DType to) =>
        _kernels.GetOrAdd((rank, from, to), key => kernels.GetOrCompile(Build(key.Item2, key.Item3, key.Item1)));

    /// <summary>The copy kernel: dst[i…] = src[i…] over sizes z, source strides a, destination strides b (all params).</summary>
    public static TeKernel Build(DType from, DType to, int rank)
    {
        var sizes = new Var[rank];
        var srcStrides = new Var[rank];
        var dstStrides = new Var[rank];
        var index = new Var[rank];
        for (int d = 0; d < rank; d++)
        {
            sizes[d] = new Var($"z{d}");
            srcStrides[d] = new Var($"a{d}");
            dstStrides[d] = new Var($"b{d}");
            index[d] = new Var($"i{d}");
        }
        var source = new TeBuffer("src", from, NodeList.Create<Expr>(sizes), NodeList.Create<Expr>(srcStrides));
        var destination = new TeBuffer("dst", to, NodeList.Create<Expr>(sizes), NodeList.Create<Expr>(dstStrides));
        Stmt body = destination.Store(index, source.Load(index));
        for (int d = rank - 1; d >= 0; d--) body = new ForStmt(index[d], 0, sizes[d], body);
        return new TeKernel($"copy_{from.PythonName()}_{to.PythonName()}_{rank}d",
            NodeList.Create<Var>([.. sizes, .. srcStrides, .. dstStrides]),
            NodeList.Create<TeBuffer>([source]), NodeList.Create<TeBuffer>([destination]), body);
    }
}

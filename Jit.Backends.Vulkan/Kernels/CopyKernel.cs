using System.Collections.Concurrent;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Vulkan.Kernels;

/// <summary>
/// <c>aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)</c> on a
/// Vulkan device: <c>src</c> (on this device or the host) broadcast into <c>self</c> (on this
/// device), any strides and offsets. Contiguous same-dtype copies are one vkCmdCopyBuffer; the
/// rest run a strided TE kernel over the merged geometry (<see cref="CopyGeometry"/>), rendered
/// like any other, converting with <see cref="CastExpr"/>'s semantics. A host source is uploaded
/// first; a source overlapping the destination is copied aside first.
/// </summary>
internal sealed class CopyKernel(VulkanBackend backend)
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
        var dstMem = VulkanBuffer.Of(dst.Storage.Buffer, backend, "aten::copy_ destination");
        if (dst.NumElements == 0) return;
        var geometry = CopyGeometry.Create(dst, src, MaxRank, "Vulkan");
        bool bytesOnly = src.DType == dst.DType && geometry.IsContiguous;
        if (!bytesOnly && (!Converts(src.DType) || !Converts(dst.DType)))
            throw new JitDeviceException(device, $"aten::copy_ from {src.DType.PythonName()} to {dst.DType.PythonName()} with strides is not supported on Vulkan (no float16 or bfloat16 kernels)");
        VulkanBuffer? temp = null;
        try
        {
            var (srcMem, srcElem) = Source(src, dstMem, dst, ref temp);
            long dstElem = ElementOffset(dst);
            long esSrc = src.DType.ElementSize(), esDst = dst.DType.ElementSize();
            var queue = backend.CurrentQueue;
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
            // Freed once the commands using it complete.
            temp?.Dispose();
        }
    }

    private static bool Converts(DType t) => t is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64
        or DType.Float32 or DType.Float64 or DType.Bool;

    private (VulkanBuffer Mem, long Element) Source(Tensor src, VulkanBuffer dstMem, Tensor dst, ref VulkanBuffer? temp)
    {
        var (offset, length) = src.ByteExtent();
        long es = src.DType.ElementSize();
        if (src.IsHost)
        {
            temp = (VulkanBuffer)backend.Allocator.Allocate(Math.Max(length, es));
            backend.CurrentQueue.Upload(temp, 0, src.Storage.Bytes.Span.Slice((int)offset, (int)length));
            return (temp, src.StorageOffset - offset / es);
        }
        var mem = VulkanBuffer.Of(src.Storage.Buffer, backend, "aten::copy_ source");
        long element = ElementOffset(src);
        if (!ReferenceEquals(mem, dstMem)) return (mem, element);
        var (dOffset, dLength) = dst.ByteExtent();
        long srcStart = src.Storage.ByteOffset + offset, dstStart = dst.Storage.ByteOffset + dOffset;
        if (srcStart >= dstStart + dLength || dstStart >= srcStart + length) return (mem, element);
        temp = (VulkanBuffer)backend.Allocator.Allocate(Math.Max(length, es));
        backend.CurrentQueue.Copy(mem, srcStart, temp, 0, length);
        return (temp, src.StorageOffset - offset / es);
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
    private IGpuKernel Kernel(int rank, DType from, DType to) => _kernels.GetOrAdd((rank, from, to), key =>
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
        var kernel = new TeKernel($"copy_{from.PythonName()}_{to.PythonName()}_{rank}d",
            NodeList.Create<Var>([.. sizes, .. srcStrides, .. dstStrides]),
            NodeList.Create<TeBuffer>([source]), NodeList.Create<TeBuffer>([destination]), body);
        return backend.GpuKernels.GetOrCompile(kernel);
    });
}

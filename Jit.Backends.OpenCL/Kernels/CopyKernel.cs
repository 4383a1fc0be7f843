using System.Collections.Concurrent;
using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.Tensors;

namespace Jit.Backends.OpenCL.Kernels;

/// <summary>
/// <c>aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)</c> on an
/// OpenCL device: <c>src</c> (on this device or the host) broadcast into <c>self</c> (on this
/// device), any strides and offsets. Contiguous same-dtype copies are one clEnqueueCopyBuffer;
/// the rest run a strided kernel (converting between the integer, float and bool types). A host
/// source is uploaded first; a source overlapping the destination is copied aside first.
/// </summary>
internal sealed class CopyKernel(OpenCLBackend backend)
{
    // By (source dtype, destination dtype): the cache's program, found without hashing the source again.
    private readonly ConcurrentDictionary<(DType, DType), OpenCLProgram> _programs = new();

    public void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs)
    {
        var self = inputs[0].AsTensor;
        Copy(self, inputs[1].AsTensor, backend.CurrentQueue);
        outputs[0] = inputs[0];
    }

    public void Copy(Tensor dst, Tensor src, OpenCLQueue queue)
    {
        string device = backend.Device.ToString();
        if (dst.IsHost)
            throw new JitDeviceException(device, $"aten::copy_ into a host tensor runs on the host: download the source first (Tensor.ToHost)");
        var dstMem = OpenCLBuffer.Of(dst.Storage.Buffer, backend, "aten::copy_ destination");
        if (!CopySource.Supports(src.DType, dst.DType))
            throw new JitDeviceException(device, $"aten::copy_ from {src.DType.PythonName()} to {dst.DType.PythonName()} is not supported on OpenCL");
        if (dst.NumElements == 0) return;
        var geometry = CopyGeometry.Create(dst, src, CopySource.MaxRank, "OpenCL");
        OpenCLBuffer? temp = null;
        try
        {
            var (srcMem, srcElem) = Source(src, dstMem, dst, queue, ref temp);
            queue.Recording?.Keep(srcMem);
            queue.Recording?.Keep(dstMem);
            long dstElem = ElementOffset(dst);
            long esSrc = src.DType.ElementSize(), esDst = dst.DType.ElementSize();
            if (src.DType == dst.DType && geometry.IsContiguous)
                queue.Copy(srcMem, srcElem * esSrc, dstMem, dstElem * esDst, geometry.Count * esDst);
            else
                Launch(geometry, src.DType, dst.DType, srcMem, srcElem, dstMem, dstElem, queue);
        }
        finally
        {
            if (temp is not null && queue.Recording is { } recording) recording.Own(temp);
            else temp?.Dispose();
        }
    }

    // The source's buffer and element offset: its own, or a temporary one when it is on the host
    // or overlaps the destination.
    private (OpenCLBuffer Mem, long Element) Source(Tensor src, OpenCLBuffer dstMem, Tensor dst, OpenCLQueue queue, ref OpenCLBuffer? temp)
    {
        var (offset, length) = src.ByteExtent();
        long es = src.DType.ElementSize();
        if (src.IsHost)
        {
            temp = (OpenCLBuffer)backend.Allocator.Allocate(Math.Max(length, es));
            queue.Upload(temp, 0, src.Storage.Bytes.Span.Slice((int)offset, (int)length));
            return (temp, src.StorageOffset - offset / es);
        }
        var mem = OpenCLBuffer.Of(src.Storage.Buffer, backend, "aten::copy_ source");
        long element = ElementOffset(src);
        if (!ReferenceEquals(mem, dstMem)) return (mem, element);
        var (dOffset, dLength) = dst.ByteExtent();
        long srcStart = src.Storage.ByteOffset + offset, dstStart = dst.Storage.ByteOffset + dOffset;
        if (srcStart >= dstStart + dLength || dstStart >= srcStart + length) return (mem, element);
        temp = (OpenCLBuffer)backend.Allocator.Allocate(Math.Max(length, es));
        queue.Copy(mem, srcStart, temp, 0, length);
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

    private void Launch(CopyGeometry g, DType from, DType to, OpenCLBuffer src, long srcElem, OpenCLBuffer dst, long dstElem, OpenCLQueue queue)
    {
        var program = _programs.GetOrAdd((from, to), k => backend.Programs.GetOrBuild(CopySource.For(k.Item1, k.Item2), "aten::copy_"));
        const int R = CopySource.MaxRank;
        Span<KernelArg> args = stackalloc KernelArg[5 + 3 * R];
        args[0] = KernelArg.Buffer(src.Handle);
        args[1] = KernelArg.Long(srcElem);
        args[2] = KernelArg.Buffer(dst.Handle);
        args[3] = KernelArg.Long(dstElem);
        args[4] = KernelArg.Long(g.Count);
        // Dims right-aligned in the eight slots (slot 7 innermost); unused slots are size 1.
        int lead = R - g.Rank;
        for (int k = 0; k < R; k++)
        {
            bool used = k >= lead;
            args[5 + k] = KernelArg.Long(used ? g.Sizes[k - lead] : 1);
            args[5 + R + k] = KernelArg.Long(used ? g.SourceStrides[k - lead] : 0);
            args[5 + 2 * R + k] = KernelArg.Long(used ? g.DestinationStrides[k - lead] : 0);
        }
        const int local = 64;
        long groups = Math.Min((g.Count + local - 1) / local, backend.MaxGroups);
        program.Launch(queue, CopySource.Entry, args, groups * local, local);
    }
}

using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

public sealed class OpenCLCopyTests
{
    private static void CopyViaKernel(Backends.OpenCL.OpenCLBackend backend, Tensor self, Tensor src)
    {
        Assert.True(backend.Kernels.TryGet("aten::copy_", out var kernel));
        var outputs = new IValue[1];
        kernel([IValue.FromTensor(self), IValue.FromTensor(src), IValue.FromBool(false)], outputs);
        Assert.Same(self, outputs[0].AsTensor);
    }

    [OpenCLFact]
    public void CopiesContiguousTransposedOffsetAndBroadcastSources()
    {
        using var backend = OpenCLTesting.Open();
        var host = OpenCLTesting.Iota(1, 6, 4);
        var cases = new (Tensor Host, long[] Sizes)[]
        {
            (host, [6, 4]),
            (host.AsStrided([4, 6], [1, 4]), [4, 6]),
            (host.AsStrided([3, 2], [4, 2], 5), [3, 2]),
            (host.AsStrided([4], [1], 8), [5, 4]),
            (host.AsStrided([2, 3, 4], [12, 4, 1]).AsStrided([2, 1, 3, 4], [12, 0, 4, 1]), [2, 5, 3, 4]),
        };
        foreach (var (hostSrc, sizes) in cases)
        {
            var src = hostSrc.ToDevice(backend.Allocator);
            var self = Tensor.EmptyOn(backend.Allocator, DType.Float32, sizes);
            CopyViaKernel(backend, self, src);
            var expected = OpenCLTesting.Elements(Broadcast(hostSrc, sizes));
            Assert.Equal(expected, OpenCLTesting.Elements(self));
            // Into a transposed destination too.
            var tBuffer = backend.Allocator.Allocate(self.NumElements * 4);
            var rev = sizes.Reverse().ToArray();
            var transposed = new Tensor(new TensorStorage(tBuffer), DType.Float32, rev, ShapeUtil.ContiguousStrides(rev))
                .AsStrided(sizes, ShapeUtil.ContiguousStrides(rev).Reverse().ToArray());
            backend.Copy(transposed, src);
            Assert.Equal(expected, OpenCLTesting.Elements(transposed));
            src.Storage.Buffer!.Dispose();
            self.Storage.Buffer!.Dispose();
            tBuffer.Dispose();
        }
    }

    // The host tensor expanded to sizes (stride 0 on broadcast dims).
    private static Tensor Broadcast(Tensor t, long[] sizes)
    {
        int lead = sizes.Length - t.Rank;
        var strides = new long[sizes.Length];
        for (int d = lead; d < sizes.Length; d++) strides[d] = t.Sizes[d - lead] == 1 ? 0 : t.Strides[d - lead];
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    [OpenCLFact]
    public void UploadsAHostSource()
    {
        using var backend = OpenCLTesting.Open();
        var host = OpenCLTesting.Iota(3, 5, 3);
        var self = Tensor.EmptyOn(backend.Allocator, DType.Float32, [3, 5]);
        long live = backend.Allocator.LiveBytes;
        CopyViaKernel(backend, self, host.AsStrided([3, 5], [1, 3]));
        Assert.Equal(OpenCLTesting.Elements(host.AsStrided([3, 5], [1, 3])), OpenCLTesting.Elements(self));
        Assert.Equal(live, backend.Allocator.LiveBytes);
        self.Storage.Buffer!.Dispose();
    }

    [OpenCLFact]
    public void ConvertsBetweenDTypes()
    {
        using var backend = OpenCLTesting.Open();
        var src = Tensor.FromArray(new[] { -2.75f, 0f, 1.5f, 300.25f }, 4).ToDevice(backend.Allocator);
        var ints = Tensor.EmptyOn(backend.Allocator, DType.Int64, [4]);
        var bools = Tensor.EmptyOn(backend.Allocator, DType.Bool, [4]);
        var doubles = Tensor.EmptyOn(backend.Allocator, DType.Float64, [4]);
        backend.Copy(ints, src);
        backend.Copy(bools, src);
        backend.Copy(doubles, ints);
        Assert.Equal(new long[] { -2, 0, 1, 300 }, ints.ToHost().ContiguousSpan<long>().ToArray());
        Assert.Equal(new byte[] { 1, 0, 1, 1 }, bools.ToHost().Storage.Bytes.ToArray());
        Assert.Equal(new double[] { -2, 0, 1, 300 }, doubles.ToHost().ContiguousSpan<double>().ToArray());
    }

    [OpenCLFact]
    public void AnOverlappingCopyReadsTheSourceAsItWas()
    {
        using var backend = OpenCLTesting.Open();
        var t = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 10).ToDevice(backend.Allocator);
        // t[1:10] = t[0:9]: a naive forward copy would smear t[0].
        backend.Copy(t.AsStrided([9], [1], 1), t.AsStrided([9], [1], 0));
        Assert.Equal(new float[] { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, OpenCLTesting.Elements(t));
        t.Storage.Buffer!.Dispose();
    }
}

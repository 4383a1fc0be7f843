using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary><c>aten::copy_</c> on <c>vulkan</c>: any strides and offsets, broadcast, host sources, dtype conversion, overlap.</summary>
public sealed class VulkanCopyTests
{
    [VulkanFact]
    public void CopiesContiguousTransposedOffsetAndBroadcastSources()
    {
        using var backend = VulkanTesting.Open();
        Assert.True(backend.Kernels.TryGet("aten::copy_", out var kernel));
        var host = VulkanTesting.Iota(1, 6, 4);
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
            var outputs = new IValue[1];
            kernel([IValue.FromTensor(self), IValue.FromTensor(src), IValue.FromBool(false)], outputs);
            Assert.Same(self, outputs[0].AsTensor);
            var expected = VulkanTesting.Elements(Broadcast(hostSrc, sizes));
            Assert.Equal(expected, VulkanTesting.Elements(self));
            // Into a transposed destination, from the host.
            var rev = sizes.Reverse().ToArray();
            var transposed = Tensor.EmptyOn(backend.Allocator, DType.Float32, rev).AsStrided(sizes, ShapeUtil.ContiguousStrides(rev).Reverse().ToArray());
            backend.Copy(transposed, hostSrc);
            Assert.Equal(expected, VulkanTesting.Elements(transposed));
        }
        VulkanTesting.AssertValidationClean(backend);
    }

    private static Tensor Broadcast(Tensor t, long[] sizes)
    {
        int lead = sizes.Length - t.Rank;
        var strides = new long[sizes.Length];
        for (int d = lead; d < sizes.Length; d++) strides[d] = t.Sizes[d - lead] == 1 ? 0 : t.Strides[d - lead];
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    [VulkanFact]
    public void ConvertsBetweenDTypes()
    {
        using var backend = VulkanTesting.Open();
        var src = Tensor.FromArray(new[] { -2.75f, 0f, 1.5f, 300.25f }, 4).ToDevice(backend.Allocator);
        var ints = Tensor.EmptyOn(backend.Allocator, DType.Int64, [4]);
        var bools = Tensor.EmptyOn(backend.Allocator, DType.Bool, [4]);
        var doubles = Tensor.EmptyOn(backend.Allocator, DType.Float64, [4]);
        var bytes = Tensor.EmptyOn(backend.Allocator, DType.UInt8, [4]);
        backend.Copy(ints, src);
        backend.Copy(bools, src);
        backend.Copy(doubles, ints);
        backend.Copy(bytes, ints);
        Assert.Equal(new long[] { -2, 0, 1, 300 }, ints.ToHost().ContiguousSpan<long>().ToArray());
        Assert.Equal(new byte[] { 1, 0, 1, 1 }, bools.ToHost().Storage.Bytes.ToArray());
        Assert.Equal(new double[] { -2, 0, 1, 300 }, doubles.ToHost().ContiguousSpan<double>().ToArray());
        Assert.Equal(new byte[] { 254, 0, 1, 44 }, bytes.ToHost().Storage.Bytes.ToArray());
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void AnOverlappingCopyReadsTheSourceAsItWas()
    {
        using var backend = VulkanTesting.Open();
        var t = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 10).ToDevice(backend.Allocator);
        backend.Copy(t.AsStrided([9], [1], 1), t.AsStrided([9], [1], 0));
        Assert.Equal(new float[] { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, VulkanTesting.Elements(t));
        long live = backend.Allocator.LiveBuffers;
        t.Storage.Buffer!.Dispose();
        Assert.Equal(live - 1, backend.Allocator.LiveBuffers);
        VulkanTesting.AssertValidationClean(backend);
    }
}

using Jit.Backends.Vulkan;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>
/// Recorded runs on <c>vulkan</c>: launches recorded once into a command buffer of their own and
/// replayed on new input data, as the CUDA backend replays a graph; what cannot be recorded says so.
/// </summary>
public sealed class VulkanRecordTests
{
    // y = x * 2 + 1, then s = sum(y) per row (a reduction with its own stages).
    private static (TeKernel Scale, TeKernel Sum) Kernels()
    {
        var a = new TeBuilder("scale");
        var n = a.Size("n");
        var m = a.Size("m");
        var x = a.Input("x", DType.Float32, [n, m]);
        a.Compute("y", DType.Float32, [n, m], i => x.Load([.. i]) * Expr.Const(2, DType.Float32) + Expr.Const(1, DType.Float32));
        var b = new TeBuilder("rowsum");
        var rn = b.Size("n");
        var rm = b.Size("m");
        var y = b.Input("y", DType.Float32, [rn, rm], contiguous: true);
        b.Reduce("s", DType.Float32, [rn], [rm], Reducer.Sum, (i, r) => y.Load(i[0], r[0]));
        return (a.Build(), b.Build());
    }

    [VulkanFact]
    public void AReplayRunsTheRecordedLaunchesOnTheBuffersAsTheyAreThen()
    {
        using var backend = VulkanTesting.Open();
        var (scaleKernel, sumKernel) = Kernels();
        var scale = backend.GpuKernels.GetOrCompile(scaleKernel);
        var sum = backend.GpuKernels.GetOrCompile(sumKernel);
        var x = Tensor.EmptyOn(backend.Allocator, DType.Float32, [3, 100]);
        var y = Tensor.EmptyOn(backend.Allocator, DType.Float32, [3, 100]);
        var s = Tensor.EmptyOn(backend.Allocator, DType.Float32, [3]);
        using var queue = backend.CreateQueue();
        IRecordedRun? run;
        using (DeviceQueues.Use(queue))
            run = queue.Record(() =>
            {
                scale.RunInto([IValue.FromTensor(x)], [IValue.FromTensor(y)]);
                sum.RunInto([IValue.FromTensor(y)], [IValue.FromTensor(s)]);
            });
        Assert.NotNull(run);
        using (run)
        {
            for (int k = 0; k < 5; k++)
            {
                var data = VulkanTesting.Iota(k, 3, 100);
                queue.Upload(x.Storage.Buffer!, 0, data.Storage.Bytes.Span);
                run.Replay();
                var rows = new float[3];
                queue.Synchronize();
                var got = s.ToHost().ContiguousSpan<float>().ToArray();
                var values = VulkanTesting.Elements(data);
                for (int r = 0; r < 3; r++)
                    for (int c = 0; c < 100; c++) rows[r] += values[r * 100 + c] * 2 + 1;
                for (int r = 0; r < 3; r++) Assert.Equal(rows[r], got[r], rows[r] * 1e-5f);
            }
        }
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void ADownloadInsideARecordingIsNotRecordableAndLeavesTheQueueUsable()
    {
        using var backend = VulkanTesting.Open();
        var scale = backend.GpuKernels.GetOrCompile(Kernels().Scale);
        var x = VulkanTesting.Iota(1, 2, 8).ToDevice(backend.Allocator);
        var y = Tensor.EmptyOn(backend.Allocator, DType.Float32, [2, 8]);
        using var queue = backend.CreateQueue();
        using (DeviceQueues.Use(queue))
        {
            Assert.Throws<NotRecordableException>(() => queue.Record(() =>
            {
                scale.RunInto([IValue.FromTensor(x)], [IValue.FromTensor(y)]);
                y.ToHost();
            }));
            scale.RunInto([IValue.FromTensor(x)], [IValue.FromTensor(y)]);
            Assert.Equal(VulkanTesting.Elements(x).Select(v => v * 2 + 1), VulkanTesting.Elements(y));
        }
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void ARecordingKeepsItsTemporariesUntilDisposed()
    {
        using var backend = VulkanTesting.Open();
        var t = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 10).ToDevice(backend.Allocator);
        using var queue = backend.CreateQueue();
        long before = backend.Allocator.LiveBuffers;
        IRecordedRun run;
        // t[1:10] = t[0:9] goes through a temporary copy of the source, released at once.
        using (DeviceQueues.Use(queue))
            run = queue.Record(() => backend.Copy(t.AsStrided([9], [1], 1), t.AsStrided([9], [1], 0)))!;
        Assert.Equal(before + 1, backend.Allocator.LiveBuffers);
        for (int k = 0; k < 3; k++) run.Replay();
        queue.Synchronize();
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6 }, VulkanTesting.Elements(t));
        Assert.Equal(before + 1, backend.Allocator.LiveBuffers);
        run.Dispose();
        Assert.Equal(before, backend.Allocator.LiveBuffers);
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void QueuesOfSeveralThreadsRunTheirOwnWorkConcurrently()
    {
        using var backend = VulkanTesting.Open();
        var scale = backend.GpuKernels.GetOrCompile(Kernels().Scale);
        int wrong = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            using var queue = backend.CreateQueue();
            using var _ = DeviceQueues.Use(queue);
            var x = Tensor.EmptyOn(backend.Allocator, DType.Float32, [4, 16]);
            var y = Tensor.EmptyOn(backend.Allocator, DType.Float32, [4, 16]);
            for (int k = 0; k < 50; k++)
            {
                var data = VulkanTesting.Iota(t * 100 + k, 4, 16);
                x.Storage.Buffer!.Write(0, data.Storage.Bytes.Span);
                scale.RunInto([IValue.FromTensor(x)], [IValue.FromTensor(y)]);
                if (!VulkanTesting.Elements(data).Select(v => v * 2 + 1).SequenceEqual(VulkanTesting.Elements(y))) Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
        VulkanTesting.AssertValidationClean(backend);
    }
}

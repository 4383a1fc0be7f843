using Jit.Backends.OpenCL;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

public sealed class OpenCLProgramTests
{
    // a: a transposed view; b: a view at an offset inside a storage that starts 64 bytes into its buffer.
    private static (Tensor A, Tensor B, Tensor HostA, Tensor HostB) Inputs(OpenCLBackend backend, long n0, long n1)
    {
        var hostA = OpenCLTesting.Iota(1, n1, n0).AsStrided([n0, n1], [1, n0]);
        var hostBBase = OpenCLTesting.Iota(-3, n0 + 1, n1 + 2);
        var hostB = hostBBase.AsStrided([n0, n1], [n1 + 2, 1], 5);
        var a = hostA.ToDevice(backend.Allocator);
        var buffer = backend.Allocator.Allocate(64 + hostBBase.Storage.ByteLength);
        buffer.Write(64, hostBBase.Storage.Bytes.Span);
        var b = new Tensor(new TensorStorage(buffer, 64, hostBBase.Storage.ByteLength), DType.Float32, [n0, n1], [n1 + 2, 1], 5);
        return (a, b, hostA, hostB);
    }

    private static void Free(params Tensor[] tensors)
    {
        foreach (var t in tensors) t.Storage.Buffer?.Dispose();
    }

    [OpenCLFact]
    public void ElementwiseAddOnStridedAndOffsetInputsMatchesTheHost()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.Add());
        foreach (var (n0, n1) in new[] { (5L, 7L), (1L, 1L), (33L, 129L) })
        {
            var (a, b, hostA, hostB) = Inputs(backend, n0, n1);
            var outputs = program.Run([a, b]);
            var expected = OpenCLTesting.Elements(hostA).Zip(OpenCLTesting.Elements(hostB), (x, y) => x + y).ToArray();
            Assert.Equal(expected, OpenCLTesting.Elements(outputs[0]));
            Assert.Equal(new long[] { n0, n1 }, outputs[0].SizesArray());

            // Into an output that is itself at an offset of its storage.
            var outBuffer = backend.Allocator.Allocate((n0 * n1 + 3) * 4);
            var into = new Tensor(new TensorStorage(outBuffer), DType.Float32, [n0, n1], [n1, 1], 3);
            program.RunInto([a, b], [into]);
            Assert.Equal(expected, OpenCLTesting.Elements(into));
            Free(a, b, outputs[0], into);
        }
    }

    [OpenCLFact]
    public void TwoStagesThroughATemporaryMatchTheHost()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.ReverseTwice());
        var (a, b, hostA, hostB) = Inputs(backend, 37, 53);
        long live = backend.Allocator.LiveBytes;
        var outputs = program.Run([IValue.FromTensor(a), IValue.FromTensor(b)]);
        var ea = OpenCLTesting.Elements(hostA);
        var eb = OpenCLTesting.Elements(hostB);
        var expected = eb.Select((y, i) => 2 * ea[ea.Length - 1 - i] + y).ToArray();
        Assert.Equal(expected, OpenCLTesting.Elements(outputs[0].AsTensor));
        // The temporary was released; only the output remains.
        Assert.Equal(live + 37 * 53 * 4, backend.Allocator.LiveBytes);
        Free(a, b, outputs[0].AsTensor);
    }

    [OpenCLFact]
    public void GroupPerRowReducesEachRow()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.RowSum());
        var (a, b, hostA, hostB) = Inputs(backend, 9, 300);
        var result = OpenCLTesting.Elements(program.Run([a, b])[0]);
        var ea = OpenCLTesting.Elements(hostA);
        var eb = OpenCLTesting.Elements(hostB);
        for (int r = 0; r < 9; r++)
        {
            double expected = Enumerable.Range(0, 300).Sum(j => (double)ea[r * 300 + j] + eb[r * 300 + j]);
            Assert.Equal(expected, result[r], 1e-2);
        }
    }

    [OpenCLFact]
    public void ABuildFailureGivesTheKernelNameAndTheBuildLog()
    {
        using var backend = OpenCLTesting.Open();
        var e = Assert.Throws<JitDeviceException>(() => backend.Compile(HandWrittenPrograms.Broken()));
        Assert.Contains("hand_broken", e.Message);
        Assert.Contains("undeclared_variable_xyz", e.Message);
        Assert.Equal("CL_BUILD_PROGRAM_FAILURE", e.NativeName);
    }

    [OpenCLFact]
    public void MismatchedTensorsAreRefusedWithTheBufferName()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.Add());
        var host = OpenCLTesting.Iota(0, 2, 3);
        var device = host.ToDevice(backend.Allocator);
        var e = Assert.Throws<JitDeviceException>(() => program.Run([device, host]));
        Assert.Contains("buffer b", e.Message);
        var wrongOut = Tensor.EmptyOn(backend.Allocator, DType.Float32, [3, 2]);
        Assert.Throws<JitRuntimeException>(() => program.Run([device, device], [wrongOut]));
        Assert.Throws<JitRuntimeException>(() => program.RunInto([IValue.FromTensor(device), IValue.FromDouble(1)], [IValue.FromTensor(wrongOut)]));
        Free(device, wrongOut);
    }

    [OpenCLFact]
    public void ZeroWorkLaunchesNothing()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.Add());
        var a = Tensor.EmptyOn(backend.Allocator, DType.Float32, [0, 4]);
        var outputs = program.Run([a, a]);
        Assert.Equal(0, outputs[0].NumElements);
        backend.DefaultQueue.Synchronize();
        Free(a, outputs[0]);
    }

    [OpenCLFact]
    public void AThousandAllocateLaunchDisposeCyclesLeaveNothingLive()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.ReverseTwice());
        long bytes = backend.Allocator.LiveBytes, buffers = backend.Allocator.LiveBuffers;
        var host = OpenCLTesting.Iota(2, 3, 5);
        for (int i = 0; i < 1000; i++)
        {
            var a = host.ToDevice(backend.Allocator);
            var outputs = program.Run([a, a]);
            if (i % 100 == 0) Assert.Equal(2 * 2f + 9f, OpenCLTesting.Elements(outputs[0])[^1]); // 2 * a[0] + a[14]
            Free(a, outputs[0]);
        }
        backend.DefaultQueue.Synchronize();
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
        Assert.Equal(buffers, backend.Allocator.LiveBuffers);
    }

    [OpenCLFact]
    public void SixteenThreadsLaunchingTogetherGetTheSingleThreadedResults()
    {
        using var backend = OpenCLTesting.Open();
        var add = backend.Compile(HandWrittenPrograms.Add());
        var reverse = backend.Compile(HandWrittenPrograms.ReverseTwice());
        float[] Compute(int seed)
        {
            var a = OpenCLTesting.Iota(seed, 11, 13).ToDevice(backend.Allocator);
            var b = OpenCLTesting.Iota(-seed, 11, 13).AsStrided([11, 13], [1, 11]).ToDevice(backend.Allocator);
            var sum = add.Run([a, b])[0];
            var rev = reverse.Run([sum, a])[0];
            var result = OpenCLTesting.Elements(rev);
            Free(a, b, sum, rev);
            return result;
        }
        var expected = Enumerable.Range(0, 16).Select(Compute).ToArray();
        var actual = new float[16][][];
        using var start = new Barrier(16);
        var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            actual[t] = [.. Enumerable.Range(0, 20).Select(_ => Compute(t))];
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        for (int t = 0; t < 16; t++)
            foreach (var run in actual[t]) Assert.Equal(expected[t], run);
    }
}

using System.Diagnostics;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Jit.Tests.OpenCL;

/// <summary>Prints what one launch of a tiny kernel costs (enqueue only, and enqueue + wait); checks only that it is sane.</summary>
public sealed class OpenCLLaunchOverheadTests(ITestOutputHelper log)
{
    [OpenCLFact]
    public void ATinyLaunchCostsMicroseconds()
    {
        using var backend = OpenCLTesting.Open();
        var program = backend.Compile(HandWrittenPrograms.Add());
        var a = OpenCLTesting.Iota(1, 1, 4).ToDevice(backend.Allocator);
        var output = Tensor.EmptyOn(backend.Allocator, DType.Float32, [1, 4]);
        IValue[] inputs = [a, a], outputs = [output];
        const int runs = 2000;
        var enqueue = new double[runs];
        var roundTrip = new double[runs];
        for (int i = 0; i < 200; i++) program.RunInto(inputs, outputs);
        backend.DefaultQueue.Synchronize();
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            program.RunInto(inputs, outputs);
            long t1 = Stopwatch.GetTimestamp();
            backend.DefaultQueue.Synchronize();
            long t2 = Stopwatch.GetTimestamp();
            enqueue[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
            roundTrip[i] = Stopwatch.GetElapsedTime(t0, t2).TotalMicroseconds;
        }
        Array.Sort(enqueue);
        Array.Sort(roundTrip);
        log.WriteLine($"{backend.Info}: tiny launch, median over {runs}: enqueue {enqueue[runs / 2]:F1} us, enqueue + clFinish {roundTrip[runs / 2]:F1} us");
        Assert.True(roundTrip[runs / 2] < 100_000);
        Assert.Equal([2f, 3f, 4f, 5f], OpenCLTesting.Elements(output));
        a.Storage.Buffer!.Dispose();
        output.Storage.Buffer!.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using Jit.Backends.OpenCL;
using Jit.Codegen;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// <c>-- opencl-launch [RUNS]</c>: what one launch of a tiny kernel (a 1x4 float add rendered from TE)
/// costs on the default OpenCL device: median µs to enqueue, and to enqueue and wait (clFinish).
/// </summary>
public static class OpenCLLaunchTimer
{
    public static int Run(string[] args, TextWriter output)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        using var backend = new OpenCLBackend(new Device(DeviceKind.OpenCL));
        var builder = new TeBuilder("tiny_add");
        var n = builder.Size("n");
        var a = builder.Input("a", DType.Float32, [n]);
        var b = builder.Input("b", DType.Float32, [n]);
        builder.Compute("out", DType.Float32, [n], i => a.Load(i[0]) + b.Load(i[0]));
        var program = backend.Compile(OpenCLRenderer.Render(builder.Build()));
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 4).ToDevice(backend.Allocator);
        var y = Tensor.EmptyOn(backend.Allocator, DType.Float32, [4]);
        IValue[] inputs = [x, x], outputs = [y];
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
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{backend.Info.Name}: tiny launch, median over {runs}: enqueue {enqueue[runs / 2]:F1} µs, enqueue + clFinish {roundTrip[runs / 2]:F1} µs"));
        x.Storage.Buffer!.Dispose();
        y.Storage.Buffer!.Dispose();
        return 0;
    }
}

using Jit.Codegen;
using Jit.Ir;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Jit.Tests.TensorExpr;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>
/// Lowers one op (as <see cref="LoweringHarness"/> does), schedules it for a GPU and runs both
/// kernels through <see cref="TeEvaluator"/>: the schedule must not change the outputs (beyond
/// the order of floating-point sums).
/// </summary>
internal static class GpuScheduleHarness
{
    /// <summary>The lowered kernel of <paramref name="overload"/> on <paramref name="args"/>, and the inputs to run it on.</summary>
    public static (TeKernel Kernel, List<Tensor> Inputs) Lower(string overload, IReadOnlyList<LArg> args, Random rng, int outputs = 1, bool symbolic = true)
    {
        var inputs = new List<Tensor>();
        foreach (var a in args)
        {
            switch (a)
            {
                case TensorArg t:
                    inputs.Add(LoweringHarness.MakeTensor(rng, t));
                    break;
                case ScalarInputArg s:
                    inputs.Add(s.Value.IsDouble ? Tensor.Scalar(s.Value.AsDouble, DType.Float64)
                        : s.Value.IsBool ? Tensor.Scalar(s.Value.AsBool) : Tensor.Scalar(s.Value.AsInt));
                    break;
            }
        }
        var graph = Graph.Parse(LoweringHarness.GraphText(overload, args, outputs, symbolic));
        return (TeLowering.LowerGroup(graph), inputs);
    }

    /// <summary>
    /// Checks that scheduling keeps the results; returns the schedule for further checks, or null
    /// when the op does not lower for these arguments (a dtype it does not take).
    /// </summary>
    public static GpuScheduledKernel? Check(string overload, IReadOnlyList<LArg> args, Random rng, int outputs = 1, int localSize = 4, bool symbolic = true)
    {
        TeKernel kernel;
        List<Tensor> inputs;
        try { (kernel, inputs) = Lower(overload, args, rng, outputs, symbolic); }
        catch (TeLoweringException) { return null; }
        var expected = TeEvaluator.Run(kernel, inputs);
        var scheduled = GpuSchedule.Apply(kernel, localSize);
        var what = $"{overload} ({LoweringHarness.Describe(args)}) local size {localSize}";
        Tensor[] got;
        try { got = TeEvaluator.Run(scheduled.Kernel, inputs); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"{what}: scheduled kernel failed: {e.Message}\n{scheduled.Kernel}"); }
        for (int o = 0; o < expected.Length; o++)
            LoweringHarness.AssertClose(expected[o], got[o], $"{what} output {o}\n{scheduled.Kernel}");
        Assert.Equal(StageCount(scheduled), scheduled.Stages.Count);
        return scheduled;
    }

    private static int StageCount(GpuScheduledKernel s) => GpuSchedule.StageStatements(s.Kernel).Count;
}

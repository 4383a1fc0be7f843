using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>
/// Steady-state runs allocate nothing on the managed heap for a fixed signature, with caller-given
/// output tensors (or tuples of them) or with managed outputs, fused and unfused.
/// </summary>
public sealed class StaticAllocationTests
{
    /// <summary>
    /// Every model fixture, unfused and with the CPU's compiled fusion groups (fused: true), where
    /// they form. control_flow's loops unroll in its plan (its int input is a constant there) and its
    /// list of parts is one list per runtime; tuple_out and int_bool return tuples, reused.
    /// transformer runs its one op through an out-variant
    /// (<see cref="TheTransformerRunsItsEncoderLayerThroughTheOutVariant"/>).
    /// </summary>
    public static TheoryData<string, bool> ZeroAllocationModels()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in ModelFixture.Names())
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private const int Runs = 20;

    [Theory]
    [MemberData(nameof(ZeroAllocationModels))]
    public void WarmRunsWithCallerOutputsAllocateNothing(string name, bool fused)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = StaticFixtureTests.Compile(module, fused);
        var outputs = new IValue[compiled.OutputCount];
        compiled.Run(inputs, outputs); // plans, and fills outputs with tensors (or tuples of them) that later runs write into
        var given = outputs.ToArray();
        var first = Snapshot(outputs);
        for (int i = 0; i < 3; i++) compiled.Run(inputs, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++) compiled.Run(inputs, outputs);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var plan = compiled.PlanFor(inputs);
        Assert.True(allocated == 0,
            $"{name} (fused: {fused}): {allocated / Runs} bytes per run; ops without out-variant: {string.Join(", ", plan.KernelNodes)}");
        Assert.Equal(first, Snapshot(outputs));
        // The caller's tensors, and tuples of them, come back as they were given.
        Assert.Equal(given, outputs);
    }

    [Theory]
    [MemberData(nameof(ZeroAllocationModels))]
    public void WarmRunsWithManagedOutputsAllocateNothing(string name, bool fused)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = StaticFixtureTests.Compile(module, fused);
        using var session = compiled.CreateSession();
        var outputs = new IValue[compiled.OutputCount];
        for (int i = 0; i < 3; i++)
        {
            outputs.AsSpan().Clear();
            session.Run(inputs, outputs);
        }
        var managed = outputs.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++)
        {
            outputs.AsSpan().Clear();
            session.Run(inputs, outputs);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{name} (fused: {fused}): {allocated / Runs} bytes per run with managed outputs");
        // Managed outputs are the same arena tensors (and the same tuple of them) every run.
        Assert.Equal(managed, outputs);
        Assert.True(compiled.PlanFor(inputs, manageOutputs: true).Memory.ArenaBytes > 0);
    }

    // Every tensor's values, through tuples.
    private static double[][] Snapshot(IValue[] outputs) =>
        [.. outputs.SelectMany(ModelFixture.Flatten).Where(v => v.IsTensor).Select(v => v.AsTensor.ToDoubleArray())];

    [Fact]
    public void TheTransformerRunsItsEncoderLayerThroughTheOutVariant()
    {
        // The device checks in front of nn.TransformerEncoderLayer's fast path fold when the plan
        // is made, leaving the fused op as the one top-level step, writing into the caller's output.
        var f = ModelFixture.Get("transformer");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = StaticFixtureTests.Compile(module);
        var plan = compiled.PlanFor(inputs);
        Assert.Equal(1, plan.OutVariantNodes);
        Assert.Empty(plan.KernelNodes);
        Assert.Single(plan.StepDescriptions);
        Assert.Contains("aten::_transformer_encoder_layer_fwd", plan.StepDescriptions[0]);
    }

    [Fact]
    public void TheMeasurementSeesAllocations()
    {
        // Without destinations each run returns new output tensors: the same measurement must see them.
        var f = ModelFixture.Get("mlp");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = StaticFixtureTests.Compile(module);
        var outputs = new IValue[compiled.OutputCount];
        compiled.Run(inputs, outputs);
        outputs.AsSpan().Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        compiled.Run(inputs, outputs);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
    }

    [Fact]
    public void AWrongDestinationIsAClearError()
    {
        var f = ModelFixture.Get("mlp");
        var module = JitModule.Load(f.ModelPath);
        using var compiled = StaticFixtureTests.Compile(module);
        var outputs = new IValue[] { Tensor.Empty(DType.Float32, 3, 10) };
        var e = Assert.Throws<Errors.JitShapeException>(() => compiled.Run(f.Inputs(module), outputs));
        Assert.Contains("output 0", e.Message);
        Assert.Contains("[4, 10]", e.Message);
    }

    [Fact]
    public void ALargeSingleOpGroupAllocatesNothing()
    {
        // 64K elements: the CPU compiles the lone hardtanh as a group (CpuBackend.MinFusionGroupElements),
        // whose vector loop must not allocate per call either (its parallel split's closure did, 72 bytes).
        var graph = Jit.Ir.Graph.Parse("""
            graph(%x : Tensor):
              %lo : float = prim::Constant[value=0.]()
              %hi : float = prim::Constant[value=6.]()
              %h : Tensor = aten::hardtanh(%x, %lo, %hi)
              %y : Tensor = aten::matmul(%h, %h)
              return (%y)
            """);
        using var cpu = new Jit.Backends.Cpu.CpuBackend(Device.Cpu);
        var x = Tensor.Empty(DType.Float32, 256, 256);
        for (long e = 0; e < x.NumElements; e++) x.SetDouble(e, (e % 17) - 8);
        IValue[] inputs = [IValue.FromTensor(x)];
        using var plan = Jit.Runtime.Static.StaticModule.Create(graph, cpu, inputs, fuse: true);
        Assert.Contains("prim::TensorExprGroup", plan.Graph.ToString());
        var runtime = plan.CreateRuntime();
        var outputs = new IValue[1];
        for (int i = 0; i < 3; i++) runtime.Run(inputs, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++) runtime.Run(inputs, outputs);
        Assert.Equal(0, (GC.GetAllocatedBytesForCurrentThread() - before) / Runs);
    }
}

using ILGPU.Runtime.Cuda;
using Jit.Backends.Cpu;
using Jit.Backends.Cuda.Codegen;
using Jit.Cli;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.TensorExpr.Lowering;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>Every fixture's kernels (fusion groups and extern-op templates) compile to PTX for sm_80 and sm_90 with no GPU.</summary>
public sealed class CudaPtxTests
{
    public static TheoryData<string> ModelNames() => new(ModelFixture.Names());

    /// <summary>Fixtures a GPU plan builds no kernel for, with the reason.</summary>
    private static readonly Dictionary<string, string> WithoutKernels = new()
    {
    };

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void EveryKernelOfTheFixtureRendersToPtxForSm80AndSm90(string name)
    {
        var kernels = FixtureKernels(ModelFixture.Get(name));
        Assert.Equal(WithoutKernels.ContainsKey(name), kernels.Count == 0);
        foreach (var arch in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 })
        {
            foreach (var kernel in kernels)
            {
                var ptx = PtxRenderer.Render(kernel, arch);
                Assert.Equal(ptx.Entries.Count, ptx.Scheduled.Stages.Count + ptx.Scheduled.Stages.Count(s => s.Serial is not null));
                Assert.All(ptx.Entries, e => Assert.Contains(".entry", e.Ptx));
                // ILGPU 1.5.3 writes .target sm_80 for SM_90 too (the driver JIT-compiles it forward); the ISA follows the request.
                Assert.All(ptx.Entries, e => Assert.Contains(".target sm_80", e.Ptx));
                Assert.All(ptx.Entries, e => Assert.Contains(arch == CudaArchitecture.SM_90 ? ".version 7.8" : ".version 7.0", e.Ptx));
                // Our own float math: no approximate transcendental instruction reaches the PTX.
                Assert.All(ptx.Entries, e => Assert.DoesNotContain(".approx.f32", e.Ptx.Replace("div.approx", "", StringComparison.Ordinal)));
            }
        }
    }

    public static TheoryData<DType> ValueTypes() => new(DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int64, DType.Int32, DType.UInt8);

    [Theory]
    [MemberData(nameof(ValueTypes))]
    public void EveryIntrinsicAndOperatorCompilesToPtx(DType dtype)
    {
        // One kernel calling every helper of DeviceScalars the emitter may use for the dtype.
        var x = TeBuffer.Contiguous("x", dtype, [Expr.Int(8)]);
        var y = TeBuffer.Contiguous("y", dtype, [Expr.Int(8)]);
        var output = TeBuffer.Contiguous("out", dtype, [Expr.Int(8)]);
        var i = new Var("i");
        Expr a = x.Load(i), b = y.Load(i), acc = a;
        var intrinsics = Enum.GetValues<Intrinsic>().Where(f => f != Intrinsic.IsNan
            && (dtype.IsFloatingPoint() || f is Intrinsic.Abs or Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc
                or Intrinsic.Pow or Intrinsic.Fmod or Intrinsic.Remainder or Intrinsic.FloorDiv));
        foreach (var f in intrinsics) acc = acc + (CallExpr.Arity(f) == 2 ? Expr.Call(f, a, b) : Expr.Call(f, a));
        foreach (var op in new[] { BinaryOp.Div, BinaryOp.Mod, BinaryOp.Max, BinaryOp.Min, BinaryOp.Sub, BinaryOp.Mul }) acc = acc + new BinaryExpr(op, a, b);
        acc = Expr.Select(Expr.Call(Intrinsic.IsNan, a), acc, Expr.Cast(Expr.Cast(acc, DType.Bool), dtype) + Expr.Cast(Expr.Cast(a, DType.Float64), dtype));
        var kernel = new TeKernel("all_" + dtype.PythonName(), NodeList<Var>.Empty, NodeList.Create<TeBuffer>([x, y]), NodeList.Create<TeBuffer>([output]),
            new ForStmt(i, 0, 8, output.Store([i], acc)));
        foreach (var arch in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 })
            Assert.Contains(".entry", PtxRenderer.Render(kernel, arch).Text);
    }

    [Fact]
    public void InspectPrintsThePtxOfEveryKernelWithNoGpu()
    {
        var f = ModelFixture.Get("resnet_block");
        var r = Jit.Tests.Cli.CliHarness.Run(["inspect", f.ModelPath, "--device", "cuda", "--emit", "source", .. f.InputPaths.SelectMany(p => new[] { "--input", p })]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("kernels for cuda", r.Out);
        Assert.Contains(".entry", r.Out);
        Assert.Contains("bar.sync", r.Out);
        Assert.DoesNotContain("not rendered", r.Out);
    }

    // The kernels a plan on a GPU would build, as `jit inspect --emit source` finds them.
    private static List<TeKernel> FixtureKernels(ModelFixture f)
    {
        var model = ModelFile.Load(f.ModelPath);
        var graph = model.Graph.Copy();
        using (var cpu = new CpuBackend(Device.Cpu)) PassManager.Default(context: new PassContext(model.Module, cpu)).Run(graph);
        ShapeAnalysis.PropagateComplete(graph, model.ReadInputs([.. f.InputPaths]));
        new TensorExprFuser(new TensorExprFuserOptions { MinGroupSize = 1 }).Run(graph);
        var kernels = new List<TeKernel>();
        var groups = TensorExprFuser.Groups(graph);
        for (int i = 0; i < groups.Count; i++)
            if (TeLowering.TryLowerGroup(TensorExprFuser.Subgraph(groups[i]), out _, $"group_{i}") is { } k) kernels.Add(k);
        var device = new Device(DeviceKind.Cuda, 0);
        foreach (var n in graph.Nodes)
        {
            if (n.Kind.StartsWith("prim::", StringComparison.Ordinal)) continue;
            string overload;
            try { overload = n.Schema.QualifiedOverloadName; }
            catch (Jit.Errors.JitException) { continue; }
            if (!Jit.Kernels.ExternKernels.Names.Contains(overload)) continue;
            if (Jit.Runtime.Devices.PlanTimeArguments.Of(n, device) is { } args
                && Jit.Kernels.ExternKernels.TryBuild(overload, args, Jit.Kernels.KernelTarget.Gpu, out var e, out _))
                kernels.Add(e.Kernel);
        }
        return kernels;
    }
}

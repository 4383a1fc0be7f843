using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class FuseConvAddReluTests
{
    // conv2d(x, w, b) : Float(1, 4, 8, 8), then what each test appends.
    private static string Graph(string tail, string x = "Float(1, 3, 8, 8)", string z = "Float(1, 4, 8, 8)") => $"""
        graph(%x : {x},
              %w : Float(4, 3, 3, 3),
              %b : Float(4),
              %z : {z}):
          %one : int = prim::Constant[value=1]()
          %ones : int[] = prim::ListConstruct(%one, %one)
          %c : Float(1, 4, 8, 8) = aten::conv2d(%x, %w, %b, %ones, %ones, %ones, %one)
        {tail}
        """;

    [Fact]
    public void ReluOfAConvBecomesOneConvolutionRelu()
    {
        Assert.True(RunAndCheck(new FuseConvAddRelu(), Graph("""
              %r : Float(1, 4, 8, 8) = aten::relu(%c)
              return (%r)
            # CHECK-NOT: aten::conv2d
            # CHECK: %r : Float(1, 4, 8, 8) = aten::cudnn_convolution_relu(%x, %w, %b, %ones, %ones, %ones, %one)
            # CHECK-NOT: aten::relu
            # CHECK: return (%r)
            """)));
    }

    [Theory]
    [InlineData("aten::add(%c, %z, %one)")]
    [InlineData("aten::add(%z, %c, %one)")]
    public void ReluOfAResidualAddBecomesOneConvolutionAddRelu(string add)
    {
        Assert.True(RunAndCheck(new FuseConvAddRelu(), Graph($"""
              %s : Float(1, 4, 8, 8) = {add}
              %r : Float(1, 4, 8, 8) = aten::relu(%s)
              return (%r)
            # CHECK-NOT: aten::conv2d
            # CHECK-NOT: aten::add
            # CHECK: %r : Float(1, 4, 8, 8) = aten::cudnn_convolution_add_relu(%x, %w, %z, %one, %b, %ones, %ones, %ones, %one)
            # CHECK-NOT: aten::relu
            """)));
    }

    [Fact]
    public void ObservedIntermediatesStay()
    {
        // The conv output is also returned: nothing fuses.
        Assert.False(RunAndCheck(new FuseConvAddRelu(), Graph("""
              %r : Float(1, 4, 8, 8) = aten::relu(%c)
              return (%r, %c)
            # CHECK: aten::conv2d
            # CHECK: aten::relu
            """)));
        // The sum is also returned: the add stays, and with it the conv that feeds it.
        Assert.False(RunAndCheck(new FuseConvAddRelu(), Graph("""
              %s : Float(1, 4, 8, 8) = aten::add(%c, %z, %one)
              %r : Float(1, 4, 8, 8) = aten::relu(%s)
              return (%r, %s)
            # CHECK: aten::conv2d
            # CHECK: aten::add
            # CHECK: aten::relu
            """)));
    }

    [Theory]
    [InlineData("Float(1, 4, 8, 8)", "%two", "alpha 2")]
    [InlineData("Float(4, 1, 1)", "%one", "a broadcast addend")]
    [InlineData("Double(1, 4, 8, 8)", "%one", "a promoting addend")]
    [InlineData("Tensor", "%one", "an addend of unknown shape")]
    public void AddsTheFusedOpCannotExpressStay(string z, string alpha, string why)
    {
        Assert.False(RunAndCheck(new FuseConvAddRelu(), Graph($"""
              %two : int = prim::Constant[value=2]()
              %s : Tensor = aten::add(%c, %z, {alpha})
              %r : Tensor = aten::relu(%s)
              return (%r)
            # CHECK: aten::conv2d
            # CHECK: aten::add
            # CHECK: aten::relu
            """, z: z)), why);
    }

    [Fact]
    public void AnInputOfUnknownRankStays()
    {
        Assert.False(RunAndCheck(new FuseConvAddRelu(), Graph("""
              %r : Tensor = aten::relu(%c)
              return (%r)
            # CHECK: aten::conv2d
            """, x: "Tensor")));
    }

    [Fact]
    public void FusedGraphsComputeTheSameBitsInTheInterpreterAndTheStaticRuntime()
    {
        var unfused = Jit.Ir.Graph.Parse(Graph("""
              %s : Float(1, 4, 8, 8) = aten::add(%c, %z, %one)
              %r : Float(1, 4, 8, 8) = aten::relu(%s)
              return (%r)
            """));
        var fused = unfused.Copy();
        Assert.True(new FuseConvAddRelu().Run(fused));
        IValue[] inputs = [Random(DType.Float32, 1, 1, 3, 8, 8), Random(DType.Float32, 2, 4, 3, 3, 3), Random(DType.Float32, 3, 4), Random(DType.Float32, 4, 1, 4, 8, 8)];
        using var cpu = new CpuBackend(Device.Cpu);
        var expected = new Interpreter(unfused, cpu).Run(inputs)[0].AsTensor.ContiguousSpan<float>().ToArray();
        Assert.Equal(expected, new Interpreter(fused, cpu).Run(inputs)[0].AsTensor.ContiguousSpan<float>().ToArray());
        using var plan = Jit.Runtime.Static.StaticModule.Create(unfused, cpu, inputs);
        Assert.Contains("cudnn_convolution_add_relu", plan.Graph.ToString());
        Assert.Equal(expected, plan.CreateRuntime().Run(inputs)[0].AsTensor.ContiguousSpan<float>().ToArray());
    }

    [Fact]
    public void APlanFusesResnetsInPlaceResidualAndRelu()
    {
        // torchvision's BasicBlock: `out += identity; out = self.relu(out)` with relu(inplace=True),
        // in place on untyped values until the plan knows every dtype.
        var graph = Jit.Ir.Graph.Parse("""
            graph(%x : Tensor, %w : Tensor, %b : Tensor, %z : Tensor):
              %one : int = prim::Constant[value=1]()
              %ones : int[] = prim::ListConstruct(%one, %one)
              %c : Tensor = aten::conv2d(%x, %w, %b, %ones, %ones, %ones, %one)
              %s : Tensor = aten::add_(%c, %z, %one)
              %r : Tensor = aten::relu_(%s)
              return (%r)
            """);
        IValue[] inputs = [Random(DType.Float32, 1, 1, 3, 8, 8), Random(DType.Float32, 2, 4, 3, 3, 3), Random(DType.Float32, 3, 4), Random(DType.Float32, 4, 1, 4, 8, 8)];
        using var cpu = new CpuBackend(Device.Cpu);
        var expected = new Interpreter(graph, cpu).Run(inputs)[0].AsTensor.ContiguousSpan<float>().ToArray();
        using var plan = Jit.Runtime.Static.StaticModule.Create(graph, cpu, inputs);
        FileCheck.Run("# CHECK: aten::cudnn_convolution_add_relu(%x, %w, %z\n# CHECK-NOT: aten::add_\n# CHECK-NOT: aten::relu_", plan.Graph);
        Assert.Equal(expected, plan.CreateRuntime().Run(inputs)[0].AsTensor.ContiguousSpan<float>().ToArray());
    }
}

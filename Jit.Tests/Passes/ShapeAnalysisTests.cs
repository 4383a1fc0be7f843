using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>Shape analysis on IR text, and on every model fixture checked against the shapes a real run sees.</summary>
public sealed class ShapeAnalysisTests
{
    [Fact]
    public void SymbolsFlowThroughBroadcastAndMatmul()
    {
        var g = Graph.Parse("""
            graph(%x : Float(*, *), %w : Float(8, 16)):
              %one : int = prim::Constant[value=1]()
              %wt : Tensor = aten::t(%w)
              %m : Tensor = aten::matmul(%x, %wt)
              %s : Tensor = aten::add(%m, %m, %one)
              %zero : int = prim::Constant[value=0]()
              %n : int = aten::size(%x, %zero)
              %m1 : int = prim::Constant[value=-1]()
              %shape : int[] = prim::ListConstruct(%n, %m1)
              %v : Tensor = aten::view(%s, %shape)
              return (%v)
            """);
        ShapeAnalysis.PropagateSymbolic(g);
        g.Lint();
        // The inner dim of the matmul is proven to be 16; the batch symbol passes through add and view.
        new FileCheck().Check("%x : Float(SS(-1), 16)").Check("%m : Float(SS(-1), 8)").Check("%s : Float(SS(-1), 8)")
            .Check("%v : Float(SS(-1), 8)").Run(g);
    }

    /// <summary>
    /// DenseNet's blocks: features = [x]; each layer cats the features and appends its result, so
    /// each cat reads one more item than the last (also run by StaticLoopAndListTests).
    /// </summary>
    internal const string CatsOfAGrowingList = """
        graph(%x : Float(1, 2, 3)):
          %one : int = prim::Constant[value=1]()
          %l : Tensor[] = prim::ListConstruct(%x)
          %a : Tensor = aten::cat(%l, %one)
          %n : Tensor = aten::neg(%a)
          %r : Tensor[] = aten::append(%l, %n)
          %b : Tensor = aten::cat(%l, %one)
          %m : Tensor = aten::relu(%b)
          %r2 : Tensor[] = aten::append(%l, %m)
          %c : Tensor = aten::cat(%l, %one)
          return (%a, %b, %c)
        """;

    [Fact]
    public void ACatOfAListGrownByAppendsIsNotSizedFromTheListsConstruction()
    {
        // Each cat reads the list as the appends have grown it, not as prim::ListConstruct made it.
        var g = Graph.Parse(CatsOfAGrowingList);
        ShapeAnalysis.PropagateSymbolic(g);
        new FileCheck().Check("%a : Float(1, 2, 3) = aten::cat").Check("%b : Float(1, 4, 3) = aten::cat")
            .Check("%c : Float(1, 8, 3) = aten::cat").Run(g);
    }

    [Fact]
    public void ACatOfAListAppendedToInABranchHasOnlyTheListTypesRankAndOtherDims()
    {
        // Which appends ran before the cat is not known here: its dim 1 is a symbol, not x's 2.
        var g = Graph.Parse("""
            graph(%x : Float(1, 2, 3), %c : bool):
              %one : int = prim::Constant[value=1]()
              %l : Tensor[] = prim::ListConstruct(%x)
              %n : Tensor = aten::neg(%x)
               = prim::If(%c)
                block0():
                  %r : Tensor[] = aten::append(%l, %n)
                  -> ()
                block1():
                  -> ()
              %a : Tensor = aten::cat(%l, %one)
              return (%a)
            """);
        ShapeAnalysis.PropagateSymbolic(g);
        var sizes = ((TensorType)g.AllNodes().Single(n => n.Outputs.Count == 1 && n.Output().DebugName == "a").Output().Type).Sizes!;
        Assert.Equal(ShapeSymbol.Static(1), sizes[0]);
        Assert.False(sizes[1]!.Value.IsStatic, g.ToString());
        Assert.Equal(ShapeSymbol.Static(3), sizes[2]);
    }

    [Fact]
    public void IfJoinKeepsEqualDimsAndMakesSymbolsOfOthers()
    {
        var g = Graph.Parse("""
            graph(%c : bool, %x : Float(2, 3), %y : Float(2, 5)):
              %r : Tensor = prim::If(%c)
                block0():
                  -> (%x)
                block1():
                  -> (%y)
              return (%r)
            """);
        ShapeAnalysis.PropagateSymbolic(g);
        new FileCheck().Check("%r : Float(2, SS(-1)) = prim::If").Run(g);
    }

    [Fact]
    public void LoopCarriedDimsThatGrowBecomeSymbols()
    {
        var g = Graph.Parse("""
            graph(%x : Float(2, 3), %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %r : Tensor = prim::Loop(%n, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %l : Tensor[] = prim::ListConstruct(%acc, %acc)
                  %c : Tensor = aten::cat(%l, %one)
                  -> (%t, %c)
              return (%r)
            """);
        ShapeAnalysis.PropagateSymbolic(g);
        g.Lint();
        new FileCheck().Check("%r : Float(2, SS(").Check("%acc : Float(2, SS(").Run(g);
    }

    [Fact]
    public void AnOptionalInputGivenAsNonePicksTheBranchOfItsNoneTest()
    {
        const string text = """
            graph(%x : Tensor,
                  %mask : Tensor?):
              %none : NoneType = prim::Constant()
              %zero : float = prim::Constant[value=0.]()
              %given : bool = aten::__isnot__(%mask, %none)
              %y : Tensor = prim::If(%given)
                block0():
                  %m : Tensor = prim::unchecked_cast(%mask)
                  %f : Tensor = aten::masked_fill(%x, %m, %zero)
                  -> (%f)
                block1():
                  -> (%x)
              return (%y)
            """;
        var g = Graph.Parse(text);
        ShapeAnalysis.PropagateComplete(g, [IValue.FromTensor(Jit.Tensors.Tensor.Zeros(Jit.Tensors.DType.Float32, 3, 6)), IValue.None]);
        new FileCheck().Check("%y : Float(3, 6) = prim::If").Run(g);
        var symbolic = Graph.Parse(text);
        ShapeAnalysis.PropagateSymbolic(symbolic, [new TensorType { DType = Jit.Tensors.DType.Float32, Sizes = new ShapeSymbol?[2] }, NoneType.Instance]);
        new FileCheck().Check("%y : Float(SS(").Run(symbolic);
    }

    [Fact]
    public void CompleteModeFoldsSizesIntoLaterShapes()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %two : int = prim::Constant[value=2]()
              %n : int = aten::size(%x, %zero)
              %h : int = aten::floordiv(%n, %two)
              %m1 : int = prim::Constant[value=-1]()
              %shape : int[] = prim::ListConstruct(%h, %m1)
              %v : Tensor = aten::reshape(%x, %shape)
              return (%v)
            """);
        ShapeAnalysis.PropagateComplete(g, [IValue.FromTensor(Jit.Tensors.Tensor.Zeros(Jit.Tensors.DType.Float32, 6, 4))]);
        new FileCheck().Check("%v : Float(3, 8)").Run(g);
    }

    public static TheoryData<string> LoadableModels() => new(ModelFixture.Names());

    private static JitModule Load(string name) => JitModule.Load(ModelFixture.Get(name).ModelPath);

    /// <summary>Every tensor value gets complete static sizes from the fixture's inputs, equal to those of the real run.</summary>
    [Theory]
    [MemberData(nameof(LoadableModels))]
    public void CompleteShapesMatchARealRun(string name)
    {
        var f = ModelFixture.Get(name);
        var module = Load(name);
        var graph = module.MethodGraph("forward");
        var inputs = (IValue[])[IValue.FromObject(module.Object), .. f.Inputs(module)];
        ShapeAnalysis.PropagateComplete(graph, inputs);
        graph.Lint();
        foreach (var (value, tensor) in Observe(graph, inputs))
        {
            var t = (TensorType)value.Type;
            Assert.True(t.ConcreteSizes is not null, $"{name}: %{value.DisplayName} : {t} is not complete");
            Assert.True(t.ConcreteSizes!.SequenceEqual(tensor.SizesArray()),
                $"{name}: %{value.DisplayName} : {t} but the run gave [{string.Join(", ", tensor.SizesArray())}]");
            Assert.True(t.DType == tensor.DType, $"{name}: %{value.DisplayName} : {t} but the run gave {tensor.DType}");
        }
    }

    /// <summary>
    /// From ranks only: every tensor value gets a known rank with every dim static or a symbol;
    /// static dims match the run, and each symbol stands for one size (outside loop bodies, where a
    /// value is seen once).
    /// </summary>
    [Theory]
    [MemberData(nameof(LoadableModels))]
    public void SymbolicShapesAreConsistentWithARealRun(string name)
    {
        var f = ModelFixture.Get(name);
        var module = Load(name);
        var graph = module.MethodGraph("forward");
        var inputs = (IValue[])[IValue.FromObject(module.Object), .. f.Inputs(module)];
        var ranks = inputs.Select(v => v.IsTensor ? new TensorType { DType = v.AsTensor.DType, Sizes = new ShapeSymbol?[v.AsTensor.Rank] }
            : v.IsNone ? NoneType.Instance : (JitType?)null).ToArray();
        ShapeAnalysis.PropagateSymbolic(graph, ranks);
        graph.Lint();
        var bound = new Dictionary<ShapeSymbol, long>();
        foreach (var (value, tensor) in Observe(graph, inputs))
        {
            var t = (TensorType)value.Type;
            var sizes = tensor.SizesArray();
            Assert.True(t.Sizes is { } s && s.Count == sizes.Length && s.All(d => d is not null),
                $"{name}: %{value.DisplayName} : {t} has no complete symbolic shape (run: [{string.Join(", ", sizes)}])");
            bool inLoop = InLoop(value.Node);
            for (int i = 0; i < sizes.Length; i++)
            {
                var d = t.Sizes![i]!.Value;
                if (d.IsStatic) Assert.True(d.Value == sizes[i], $"{name}: %{value.DisplayName} : {t} but the run gave [{string.Join(", ", sizes)}]");
                else if (!inLoop && bound.TryGetValue(d, out var seen))
                    Assert.True(seen == sizes[i], $"{name}: {d} is {seen} elsewhere but {sizes[i]} in %{value.DisplayName} : {t}");
                else if (!inLoop) bound[d] = sizes[i];
            }
        }
    }

    private static bool InLoop(Node n)
    {
        for (var b = n.Owner; b?.OwningNode is { } owner; b = owner.Owner)
            if (owner.Kind == "prim::Loop") return true;
        return false;
    }

    private static List<(Value, Jit.Tensors.Tensor)> Observe(Graph graph, IValue[] inputs)
    {
        var seen = new List<(Value, Jit.Tensors.Tensor)>();
        using var cpu = new CpuBackend(Device.Cpu);
        var interp = new Interpreter(graph, cpu)
        {
            Observer = (v, iv) => { if (iv.IsTensor && v.Type is TensorType) seen.Add((v, iv.AsTensor)); },
        };
        interp.Run(inputs);
        foreach (var (v, iv) in graph.Inputs.Zip(inputs))
            if (iv.IsTensor) seen.Add((v, iv.AsTensor));
        Assert.NotEmpty(seen);
        return seen;
    }
}

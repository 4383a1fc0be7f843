using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>
/// The tensor-expression fuser on IR text (FileCheck before/after) and the guarded groups it
/// leaves, run by the interpreter. Model fixtures: TensorExprFuserModelTests.
/// </summary>
public sealed class TensorExprFuserTests
{
    private static readonly TensorExprFuserOptions Bare = new() { InsertGuards = false };

    private static Graph Fuse(string ir, TensorExprFuserOptions? options = null)
    {
        var g = Graph.Parse(ir);
        ShapeAnalysis.PropagateSymbolic(g);
        new TensorExprFuser(options ?? Bare).Run(g);
        g.Lint();
        return g;
    }

    private const string Chain = """
        graph(%x : Float(*, 4), %y : Float(*, 4)):
          %one : int = prim::Constant[value=1]()
          %a : Tensor = aten::mul(%x, %y)
          %b : Tensor = aten::add(%a, %x, %one)
          %c : Tensor = aten::relu(%b)
          return (%c)
        """;

    [Fact]
    public void ChainOfElementwiseOpsBecomesOneGroupWithItsConstants()
    {
        var g = Fuse(Chain);
        FileCheck.Run("""
            # CHECK: graph(
            # CHECK-NOT: aten::mul
            # CHECK: %c : Float(SS(-4), 4) = prim::TensorExprGroup_0(%x, %y)
            # CHECK-NEXT: return (%c)
            # CHECK: with prim::TensorExprGroup_0 = graph(%x : Float(SS(-1), 4),
            # CHECK: prim::Constant[value=1]()
            # CHECK-NEXT: aten::mul(%x, %y)
            # CHECK-NEXT: aten::add
            # CHECK-NEXT: aten::relu
            # CHECK-NEXT: return
            """, g);
        Assert.Single(TensorExprFuser.Groups(g));
    }

    [Fact]
    public void ExternOpSplitsGroups()
    {
        var g = Fuse("""
            graph(%x : Float(*, 4), %w : Float(4, 4)):
              %a : Tensor = aten::sigmoid(%x)
              %b : Tensor = aten::tanh(%a)
              %m : Tensor = aten::matmul(%b, %w)
              %c : Tensor = aten::relu(%m)
              %d : Tensor = aten::neg(%c)
              return (%d)
            """);
        FileCheck.Run("""
            # CHECK: prim::TensorExprGroup_0(%x)
            # CHECK-NEXT: aten::matmul
            # CHECK-NEXT: prim::TensorExprGroup_1
            # CHECK: with prim::TensorExprGroup_0
            # CHECK-NOT: aten::matmul
            # CHECK: with prim::TensorExprGroup_1
            # CHECK-NOT: aten::matmul
            """, g);
        Assert.Equal(2, TensorExprFuser.Groups(g).Count);
    }

    [Fact]
    public void InPlaceWriteToAnInputKeepsItsReadersOutOfGroups()
    {
        var g = Fuse("""
            graph(%x : Float(*, 4), %y : Float(*, 4)):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::mul(%x, %y)
              %b : Tensor = aten::relu(%a)
              %x2 : Tensor = aten::add_(%x, %one, %one)
              %c : Tensor = aten::sigmoid(%b)
              return (%c, %x2)
            """);
        // The write goes to caller memory, which every tensor the graph did not make may be: mul
        // reads such tensors and stays out; relu and sigmoid read only mul's fresh result.
        FileCheck.Run("""
            # CHECK: %a : Float(SS(-3), 4) = aten::mul(%x, %y)
            # CHECK: aten::add_(%x
            # CHECK: prim::TensorExprGroup_0(%a)
            # CHECK: with prim::TensorExprGroup_0
            # CHECK-NOT: aten::mul
            # CHECK: aten::relu
            # CHECK-NEXT: aten::sigmoid
            """, g);
    }

    [Fact]
    public void WrittenViewKeepsTheOpsOnItsBaseOutOfGroups()
    {
        var g = Fuse("""
            graph(%x : Float(*, 4)):
              %two : int = prim::Constant[value=2]()
              %a : Tensor = aten::sigmoid(%x)
              %b : Tensor = aten::relu(%a)
              %s : int[] = prim::Constant[value=[-1]]()
              %v : Tensor = aten::view(%b, %s)
              %w : Tensor = aten::mul_(%v, %two)
              %c : Tensor = aten::tanh(%b)
              %d : Tensor = aten::neg(%c)
              return (%d)
            """);
        // relu's result is written through the view, so relu and its readers stay where they are;
        // sigmoid alone is too small a group.
        Assert.Empty(TensorExprFuser.Groups(g));
        FileCheck.Run("""
            # CHECK: aten::sigmoid
            # CHECK-NEXT: aten::relu
            # CHECK: aten::mul_
            # CHECK-NEXT: aten::tanh
            """, g);
    }

    [Fact]
    public void SideEffectsBetweenProducerAndConsumerAreKept()
    {
        var g = Fuse("""
            graph(%x : Float(*, 4), %n : int):
              %a : Tensor = aten::sigmoid(%x)
               = prim::Print(%n)
              %b : Tensor = aten::tanh(%a)
              return (%b)
            """);
        FileCheck.Run("""
            # CHECK: prim::Print(%n)
            # CHECK: prim::TensorExprGroup_0(%x)
            """, g);
    }

    [Fact]
    public void GroupsBelowMinimumSizeAreInlinedBack()
    {
        var single = Fuse("""
            graph(%x : Float(*, 4), %w : Float(4, 4)):
              %a : Tensor = aten::relu(%x)
              %m : Tensor = aten::matmul(%a, %w)
              return (%m)
            """);
        Assert.Empty(TensorExprFuser.Groups(single));
        FileCheck.Run("# CHECK: %a : Float(SS(-1), 4) = aten::relu(%x)\n# CHECK-NEXT: aten::matmul(%a, %w)", single);

        var original = Graph.Parse(Chain);
        ShapeAnalysis.PropagateSymbolic(original);
        var g = Fuse(Chain, Bare with { MinGroupSize = 4 });
        Assert.Empty(TensorExprFuser.Groups(g));
        // Inlined back node for node, the constant reused rather than copied.
        Assert.Equal(original.ToString(), g.ToString());
    }

    [Fact]
    public void LargeLoneReductionsStayOps()
    {
        // Its row kernel keeps the exponentials a compiled softmax computes twice.
        var g = Fuse("""
            graph(%x : Float(64, 1024)):
              %last : int = prim::Constant[value=-1]()
              %none : NoneType = prim::Constant()
              %y : Tensor = aten::softmax(%x, %last, %none)
              return (%y)
            """, Bare with { MinGroupSize = 4, MinGroupElements = 1 << 16 });
        Assert.Empty(TensorExprFuser.Groups(g));
    }

    [Theory]
    [InlineData("Float(1, 96, 112, 112)", "Float(1, 96, 1, 1)", false)] // 12544 sigmoids per channel if fused
    [InlineData("Float(1, 96, 8, 8)", "Float(1, 96, 1, 1)", true)]      // small: recomputing costs less than an op
    [InlineData("Float(1, 96, *, *)", "Float(1, 96, 1, 1)", true)]      // unknown sizes: fused as before
    public void BroadcastProducersFuseOnlyWhereRecomputingThemIsCheap(string x, string s, bool fused)
    {
        var g = Fuse($$"""
            graph(%x : {{x}}, %s : {{s}}):
              %e : Tensor = aten::sigmoid(%s)
              %y : Tensor = aten::mul(%e, %x)
              return (%y)
            """, Bare with { MinGroupSize = 1 });
        // Unfused, the sigmoid is a group of its own (MinGroupSize 1) that the product's group reads.
        var groups = TensorExprFuser.Groups(g);
        Assert.Equal(fused ? 1 : 2, groups.Count);
        Assert.Equal(fused, TensorExprFuser.Subgraph(groups[^1]).Block.Nodes.Any(n => n.Kind == "aten::sigmoid"));
    }

    [Theory]
    [InlineData("Float(64, 1024)", "Float(64, 1)", true)]   // 64K elements: a group of one
    [InlineData("Float(4, 4)", "Float(4, 1)", false)]       // 16: inlined back
    [InlineData("Float(*, 1024)", "Float(*, 1)", false)]    // unknown sizes never count as large
    public void SmallGroupsStayWhereTheirTensorsAreLarge(string x, string s, bool kept)
    {
        var g = Fuse($$"""
            graph(%x : {{x}}, %s : {{s}}):
              %y : Tensor = aten::mul(%x, %s)
              return (%y)
            """, Bare with { MinGroupSize = 4, MinGroupElements = 1 << 16 });
        Assert.Equal(kept ? 1 : 0, TensorExprFuser.Groups(g).Count);
    }

    [Fact]
    public void ValuesUsedAfterTheGroupBecomeItsOutputs()
    {
        var g = Fuse("""
            graph(%x : Float(*, 4), %w : Float(4, 4)):
              %a : Tensor = aten::sigmoid(%x)
              %b : Tensor = aten::tanh(%a)
              %m : Tensor = aten::matmul(%a, %w)
              return (%b, %m)
            """);
        FileCheck.Run("""
            # CHECK: %b : Float(SS(-1), 4), %a : Float(SS(-1), 4) = prim::TensorExprGroup_0(%x)
            # CHECK-NEXT: aten::matmul(%a, %w)
            # CHECK: with prim::TensorExprGroup_0
            # CHECK: return (%b, %a)
            """, g);
    }

    [Fact]
    public void NodesInNestedBlocksFuseWithinTheirBlock()
    {
        var g = Fuse("""
            graph(%c : bool, %x : Float(*, 4)):
              %r : Tensor = prim::If(%c)
                block0():
                  %a : Tensor = aten::sigmoid(%x)
                  %b : Tensor = aten::tanh(%a)
                  -> (%b)
                block1():
                  %d : Tensor = aten::neg(%x)
                  -> (%d)
              return (%r)
            """);
        FileCheck.Run("""
            # CHECK: prim::If(%c)
            # CHECK-NEXT: block0():
            # CHECK-NEXT: prim::TensorExprGroup_0(%x)
            # CHECK: block1():
            # CHECK-NEXT: aten::neg(%x)
            """, g);
    }

    [Fact]
    public void ListsAndUnknownTypesAreNotFused()
    {
        var g = Fuse("""
            graph(%x : Tensor, %y : Float(*, 4), %z : Float(*, 4)):
              %a : Tensor = aten::sigmoid(%x)
              %b : Tensor = aten::tanh(%a)
              %l : Tensor[] = prim::ListConstruct(%y, %z)
              %k : int = prim::Constant[value=0]()
              %s : Tensor = aten::cat(%l, %k)
              %t : Tensor = aten::relu(%s)
              return (%b, %t)
            """);
        // sigmoid/tanh see an input of unknown dtype and rank; cat takes a list built at run time.
        Assert.Empty(TensorExprFuser.Groups(g));
    }

    [Fact]
    public void ReductionsAndSoftmaxFuseWithElementwiseOps()
    {
        var g = Fuse("""
            graph(%x : Float(*, 8)):
              %d : int = prim::Constant[value=1]()
              %none : NoneType = prim::Constant()
              %a : Tensor = aten::mul(%x, %x)
              %s : Tensor = aten::softmax(%a, %d, %none)
              %r : Tensor = aten::relu(%s)
              return (%r)
            """);
        FileCheck.Run("""
            # CHECK: prim::TensorExprGroup_0(%x)
            # CHECK: with prim::TensorExprGroup_0
            # CHECK: aten::softmax
            """, g);
    }

    [Fact]
    public void PassIsInTheCatalogButNotTheDefaultPipeline()
    {
        Assert.Contains(nameof(TensorExprFuser), PassCatalog.Names);
        Assert.DoesNotContain(nameof(TensorExprFuser), PassCatalog.DefaultPipeline);
        Assert.IsType<TensorExprFuser>(PassCatalog.Create(nameof(TensorExprFuser)));
    }

    [Fact]
    public void CustomPredicateDecidesWhatFuses()
    {
        var g = Fuse(Chain, Bare with { IsFusible = (n, a) => n.Kind != "aten::relu" && TensorExprFuser.IsFusibleByDefault(n, a) });
        FileCheck.Run("""
            # CHECK: prim::TensorExprGroup_0(%x, %y)
            # CHECK-NEXT: aten::relu
            """, g);
    }
}

using Jit.Ir;
using Jit.Passes.Analysis;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class AliasAnalysisTests
{
    /// <summary>The value printed as <c>%name</c>, anywhere in the graph (blocks included).</summary>
    internal static Value V(Graph g, string name)
    {
        foreach (var v in g.Inputs)
            if (v.DisplayName == name) return v;
        foreach (var n in g.AllNodes())
        {
            foreach (var v in n.Outputs.Concat(n.Blocks.SelectMany(b => b.Inputs)))
                if (v.DisplayName == name) return v;
        }
        throw new InvalidOperationException($"no value %{name} in\n{g}");
    }

    /// <summary>The first node of kind <paramref name="kind"/>, anywhere in the graph.</summary>
    internal static Node N(Graph g, string kind, int skip = 0) => g.AllNodes().Where(n => n.Kind == kind).Skip(skip).First();

    [Fact]
    public void ViewsAliasTheirInputAndFreshResultsDoNot()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %b : Tensor = aten::relu(%a)
              %t : Tensor = aten::t(%v)
              return (%b, %t)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.MayAlias(V(g, "a"), V(g, "v")));
        Assert.True(aa.MayAlias(V(g, "a"), V(g, "t")));
        Assert.False(aa.MayAlias(V(g, "a"), V(g, "b")));
        Assert.False(aa.MayAlias(V(g, "x"), V(g, "a")));
        Assert.False(aa.IsWildcard(V(g, "a")));
        Assert.True(aa.IsWildcard(V(g, "x")));
        Assert.False(aa.IsMutable(V(g, "one")));
        Assert.False(aa.MayAlias(V(g, "one"), V(g, "one")));
    }

    [Fact]
    public void GraphInputsAttributesAndConstantsAreNotOwned()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor,
                  %l : int[]):
              %w : Tensor = prim::GetAttr[name="weight"](%self)
              %c : Tensor = prim::Constant[value={2}]()
              %y : Tensor = aten::relu(%x)
              return (%y)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.IsWildcard(V(g, "w")));
        Assert.True(aa.IsWildcard(V(g, "c")));
        Assert.False(aa.IsFresh(V(g, "w")));
        Assert.False(aa.IsFresh(V(g, "c")));
        // An attribute and a constant are each their own memory, as when PyTorch freezes: no
        // input can be a constant, and freezing assumes no input is an attribute.
        Assert.False(aa.MayAlias(V(g, "w"), V(g, "x")));
        Assert.False(aa.MayAlias(V(g, "c"), V(g, "x")));
        Assert.False(aa.MayAlias(V(g, "c"), V(g, "w")));
        Assert.False(aa.MayAlias(V(g, "y"), V(g, "x")));
        // Escaped memory of unrelated types is not reported as aliasing.
        Assert.False(aa.MayAlias(V(g, "l"), V(g, "x")));
    }

    [Fact]
    public void InPlaceOpsWriteToTheirSelfAndEverythingItAliases()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %b : Tensor = aten::clone(%x, %one)
              %r : Tensor = aten::relu_(%v)
              return (%a, %b)
            """);
        var aa = new AliasAnalysis(g);
        var relu = N(g, "aten::relu_");
        Assert.Equal([V(g, "v")], aa.WritesTo(relu));
        Assert.True(aa.WritesToAlias(relu, [V(g, "a")]));
        Assert.False(aa.WritesToAlias(relu, [V(g, "b")]));
        Assert.True(aa.HasWriters(V(g, "a")));
        Assert.False(aa.HasWriters(V(g, "b")));
        Assert.True(aa.MayAlias(V(g, "r"), V(g, "a")));
        Assert.False(aa.WritesToWildcard(relu));
        Assert.False(aa.HasSideEffects(relu));
    }

    [Fact]
    public void WritingToAGraphInputIsAWildcardWrite()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %r : Tensor = aten::relu_(%x)
              return ()
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.WritesToWildcard(N(g, "aten::relu_")));
        Assert.True(aa.HasSideEffects(N(g, "aten::relu_")));
    }

    [Fact]
    public void ListsHoldTheirElementsAndAppendWritesTheList()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = aten::clone(%x, %one)
              %c : Tensor = aten::clone(%x, %one)
              %l : Tensor[] = prim::ListConstruct(%a)
              %l2 : Tensor[] = aten::append(%l, %b)
              %e : Tensor = aten::__getitem__(%l, %zero)
              return (%e, %c)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.MayAlias(V(g, "e"), V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "e"), V(g, "b")));
        Assert.False(aa.MayAlias(V(g, "e"), V(g, "c")));
        Assert.False(aa.MayAlias(V(g, "l"), V(g, "a")));
        Assert.True(aa.MayContainAlias(V(g, "l"), V(g, "a")));
        Assert.False(aa.MayContainAlias(V(g, "l"), V(g, "c")));
        Assert.True(aa.MayAlias(V(g, "l2"), V(g, "l")));
        Assert.Equal([V(g, "l")], aa.WritesTo(N(g, "aten::append")));
    }

    [Fact]
    public void TuplesUnpackToTheirElements()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %t : (Tensor, Tensor) = prim::TupleConstruct(%a, %x)
              %p : Tensor, %q : Tensor = prim::TupleUnpack(%t)
              return (%p)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.MayAlias(V(g, "p"), V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "q"), V(g, "x")));
        Assert.True(aa.IsWildcard(V(g, "p")));
    }

    [Fact]
    public void IfAndLoopOutputsAliasWhatTheirBlocksReturn()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor,
                  %c : bool,
                  %n : int):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = aten::clone(%x, %one)
              %d : Tensor = aten::clone(%x, %one)
              %y : Tensor = prim::If(%c)
                block0():
                  -> (%a)
                block1():
                  %s : Tensor = aten::select(%b, %one, %one)
                  -> (%s)
              %z : Tensor = prim::Loop(%n, %c, %d)
                block0(%i : int, %acc : Tensor):
                  %acc2 : Tensor = aten::add_(%acc, %one, %one)
                  -> (%c, %acc2)
              return (%y, %z)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.MayAlias(V(g, "y"), V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "y"), V(g, "b")));
        Assert.False(aa.MayAlias(V(g, "y"), V(g, "d")));
        Assert.True(aa.MayAlias(V(g, "z"), V(g, "d")));
        Assert.True(aa.MayAlias(V(g, "acc"), V(g, "d")));
        var loop = N(g, "prim::Loop");
        Assert.True(aa.IsMutating(loop));
        Assert.Empty(aa.WritesTo(loop));
        Assert.True(aa.WritesToAlias(loop, [V(g, "d")]));
        Assert.False(aa.WritesToAlias(loop, [V(g, "a")]));
    }

    [Fact]
    public void SetAttrAndPrintHaveSideEffectsAndEscapeWhatTheyStore()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = aten::clone(%x, %one)
               = prim::SetAttr[name="w"](%self, %a)
               = prim::Print(%b)
              return (%b)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.IsWildcard(V(g, "a")));
        Assert.False(aa.IsWildcard(V(g, "b")));
        Assert.True(aa.HasSideEffects(N(g, "prim::SetAttr")));
        Assert.True(aa.HasSideEffects(N(g, "prim::Print")));
        Assert.False(aa.HasSideEffects(N(g, "aten::clone")));
    }

    [Fact]
    public void UnknownOpsAreTreatedConservatively()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = my::mystery(%a)
              return (%b)
            """);
        var aa = new AliasAnalysis(g);
        var n = N(g, "my::mystery");
        Assert.True(aa.HasSideEffects(n));
        Assert.True(aa.IsWildcard(V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "b"), V(g, "x")));
    }

    [Fact]
    public void DropoutIsDeterministicOnlyWhenNotTraining()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor,
                  %t : bool):
              %f : bool = prim::Constant[value=0]()
              %p : float = prim::Constant[value=0.5]()
              %a : Tensor = aten::dropout(%x, %p, %f)
              %b : Tensor = aten::dropout(%x, %p, %t)
              %none : NoneType = prim::Constant()
              %r : Tensor = aten::rand_like(%x, %none, %none, %none, %none, %none)
              return (%a, %b, %r)
            """);
        Assert.False(AliasAnalysis.IsNondeterministic(N(g, "aten::dropout")));
        Assert.True(AliasAnalysis.IsNondeterministic(N(g, "aten::dropout", 1)));
        Assert.True(AliasAnalysis.IsNondeterministic(N(g, "aten::rand_like")));
        Assert.False(AliasAnalysis.IsNondeterministic(N(g, "prim::Constant")));
    }

    [Fact]
    public void MovesRespectDataAndMemoryDependences()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %r : Tensor = aten::relu(%a)
              %w : Tensor = aten::add_(%a, %one, %one)
              %s : Tensor = aten::sigmoid(%x)
              %u : Tensor = aten::neg(%r)
              return (%w, %s, %u)
            """);
        var aa = new AliasAnalysis(g);
        var relu = N(g, "aten::relu");
        var add = N(g, "aten::add_");
        var sig = N(g, "aten::sigmoid");
        var neg = N(g, "aten::neg");
        Assert.True(aa.CouldMoveBefore(sig, N(g, "aten::clone")));
        Assert.False(aa.CouldMoveBefore(neg, relu));   // uses %r
        Assert.False(aa.CouldMoveAfter(relu, add));    // reads %a, which add_ writes
        Assert.True(aa.CouldMoveBefore(neg, sig));
        Assert.True(aa.MoveAfterIfValid(sig, neg));
        Assert.Equal(neg, sig.Prev);
        Assert.False(aa.MoveBeforeIfValid(add, relu));
        g.Lint();
    }
}

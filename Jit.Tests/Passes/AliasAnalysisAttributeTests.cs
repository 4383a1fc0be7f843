using Jit.Ir;
using Jit.Passes.Analysis;
using Xunit;
using static Jit.Tests.Passes.AliasAnalysisTests;

namespace Jit.Tests.Passes;

/// <summary>
/// Module attributes and constants: each (object, attribute name) reached from a graph input has
/// its own memory, so writing one attribute does not write another (PyTorch's frozen AliasDb).
/// </summary>
public sealed class AliasAnalysisAttributeTests
{
    [Fact]
    public void WritingOneAttributeInPlaceLeavesTheOtherUnwritten()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = prim::GetAttr[name="a"](%self)
              %b : Tensor = prim::GetAttr[name="b"](%self)
              %r : Tensor = aten::add_(%a, %one, %one)
              %y : Tensor = aten::mul(%x, %b)
              return (%y)
            """);
        var aa = new AliasAnalysis(g);
        var add = N(g, "aten::add_");
        Assert.False(aa.MayAlias(V(g, "a"), V(g, "b")));
        Assert.True(aa.HasWriters(V(g, "a")));
        Assert.False(aa.HasWriters(V(g, "b")));
        Assert.False(aa.WritesToAlias(add, [V(g, "b"), V(g, "x")]));
        // The attribute outlives the run: the write is an effect that must stay.
        Assert.True(aa.WritesToWildcard(add));
        Assert.True(aa.HasSideEffects(add));
    }

    [Fact]
    public void WritingAnAttributeThroughAViewWritesThatAttributeOnly()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M):
              %one : int = prim::Constant[value=1]()
              %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %a : Tensor = prim::GetAttr[name="a"](%sub)
              %b : Tensor = prim::GetAttr[name="b"](%sub)
              %v : Tensor = aten::select(%a, %one, %one)
              %r : Tensor = aten::relu_(%v)
              %sub2 : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %a2 : Tensor = prim::GetAttr[name="a"](%sub2)
              return (%b)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.MayAlias(V(g, "v"), V(g, "a")));
        // Two lookups of self.sub.a are the same memory.
        Assert.True(aa.MayAlias(V(g, "a"), V(g, "a2")));
        Assert.True(aa.HasWriters(V(g, "a2")));
        Assert.False(aa.HasWriters(V(g, "b")));
        // Writing an attribute of the submodule is not writing the submodule object.
        Assert.False(aa.HasWriters(V(g, "sub")));
        Assert.True(aa.MayContainAlias(V(g, "sub"), V(g, "v")));
        Assert.True(aa.MayContainAlias(V(g, "self"), V(g, "a")));
    }

    [Fact]
    public void SetAttrWritesThatAttributeAndTheObject()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = prim::GetAttr[name="a"](%self)
              %b : Tensor = prim::GetAttr[name="b"](%self)
              %n : Tensor = aten::clone(%x, %one)
               = prim::SetAttr[name="a"](%self, %n)
              %a2 : Tensor = prim::GetAttr[name="a"](%self)
              return (%a2, %b)
            """);
        var aa = new AliasAnalysis(g);
        var set = N(g, "prim::SetAttr");
        Assert.Equal([set], aa.Writers(V(g, "a")));
        Assert.False(aa.HasWriters(V(g, "b")));
        // Reads of any attribute of the object must not move across it.
        Assert.True(aa.WritesToAlias(set, [V(g, "self")]));
        // Later lookups see the stored value, which now belongs to the module.
        Assert.True(aa.MayAlias(V(g, "a2"), V(g, "n")));
        Assert.True(aa.IsWildcard(V(g, "n")));
        Assert.True(aa.HasSideEffects(set));
    }

    [Fact]
    public void AppendingToAListAttributeWritesItAndWhatItHoldsBelongsToIt()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %items : Tensor[] = prim::GetAttr[name="items"](%self)
              %others : Tensor[] = prim::GetAttr[name="others"](%self)
              %w : Tensor = prim::GetAttr[name="w"](%self)
              %t : Tensor = aten::clone(%x, %one)
              %r : Tensor[] = aten::append(%items, %t)
              %e : Tensor = aten::__getitem__(%others, %zero)
              %u : Tensor = aten::add_(%e, %one, %one)
              return (%w)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.HasWriters(V(g, "items")));
        Assert.False(aa.HasWriters(V(g, "w")));
        // The appended tensor is the module's from now on: writing it later is an effect.
        Assert.True(aa.IsWildcard(V(g, "t")));
        // An element taken from a list attribute is that list's, not any other memory.
        Assert.True(aa.MayContainAlias(V(g, "others"), V(g, "e")));
        Assert.False(aa.MayAlias(V(g, "e"), V(g, "x")));
        Assert.False(aa.MayAlias(V(g, "e"), V(g, "w")));
        Assert.False(aa.HasWriters(V(g, "others")));
        Assert.True(aa.HasWritersToContents(V(g, "others")));
        Assert.False(aa.HasWritersToContents(V(g, "w")));
    }

    [Fact]
    public void AnAttributeGivenToAnUnknownOpEscapes()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %a : Tensor = prim::GetAttr[name="a"](%self)
              %b : Tensor = prim::GetAttr[name="b"](%self)
              %m : Tensor = my::mystery(%a)
              return (%m, %b)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.HasWriters(V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "a"), V(g, "x")));
        Assert.True(aa.MayAlias(V(g, "m"), V(g, "a")));
        Assert.False(aa.HasWriters(V(g, "b")));
        Assert.False(aa.MayAlias(V(g, "b"), V(g, "x")));
    }

    [Fact]
    public void AModuleGivenToAnUnknownOpMayHaveEveryAttributeWritten()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M):
              %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %a : Tensor = prim::GetAttr[name="a"](%sub)
              %b : Tensor = prim::GetAttr[name="b"](%self)
               = my::mystery(%sub)
              return (%a, %b)
            """);
        var aa = new AliasAnalysis(g);
        Assert.True(aa.HasWriters(V(g, "a")));
        Assert.True(aa.IsWildcard(V(g, "a")));
        Assert.False(aa.HasWriters(V(g, "b")));
    }

    [Fact]
    public void AReassignedSubmoduleNoLongerNamesItsAttributes()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %other : __torch__.Sub,
                  %x : Tensor):
              %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %a : Tensor = prim::GetAttr[name="a"](%sub)
               = prim::SetAttr[name="sub"](%self, %other)
              return (%a)
            """);
        var aa = new AliasAnalysis(g);
        // self.sub may be any object now, so self.sub.a may be any tensor.
        Assert.True(aa.MayAlias(V(g, "a"), V(g, "x")));
    }

    [Fact]
    public void ConstantsAreEachTheirOwnMemory()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %c : Tensor = prim::Constant[value={2}]()
              %d : Tensor = prim::Constant[value={3}]()
              %r : Tensor = aten::add_(%c, %one, %one)
              %w : Tensor = aten::add_(%x, %one, %one)
              return (%d)
            """);
        var aa = new AliasAnalysis(g);
        Assert.Equal([N(g, "aten::add_")], aa.Writers(V(g, "c")));
        Assert.False(aa.HasWriters(V(g, "d")));
        // A constant lives across runs: writing it is an effect.
        Assert.True(aa.HasSideEffects(N(g, "aten::add_")));
    }

    [Fact]
    public void SplittingATensorKeepsItTracked()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %l : Tensor[] = aten::split(%a, %one, %zero)
              %e : Tensor = aten::__getitem__(%l, %zero)
              %r : Tensor = aten::relu_(%e)
              return (%a)
            """);
        var aa = new AliasAnalysis(g);
        Assert.False(aa.IsWildcard(V(g, "a")));
        Assert.True(aa.MayAlias(V(g, "e"), V(g, "a")));
        Assert.True(aa.HasWriters(V(g, "a")));
        Assert.False(aa.WritesToWildcard(N(g, "aten::relu_")));
    }
}

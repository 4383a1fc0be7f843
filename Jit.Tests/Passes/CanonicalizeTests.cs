using Jit.Ir;
using Jit.Passes;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class CanonicalizeTests
{
    private const string Ir = """
        graph(%x.1 : Tensor,
              %c : bool):
          %17 : int = prim::Constant[value=1]()
          %9 : Tensor = aten::add(%x.1, %x.1, %17)
          %y : Tensor = prim::If(%c)
            block0():
              %40 : Tensor = aten::relu(%9)
              -> (%40)
            block1():
              %33 : Tensor = aten::neg(%9)
              -> (%33)
          %5 : Tensor = aten::mul(%y, %9)
          return (%5)

        """;

    [Fact]
    public void RenumbersValuesInOrderOfDefinitionKeepingNames()
    {
        var g = Graph.Parse(Ir);
        Assert.True(new Canonicalize().Run(g));
        g.Lint();
        // Inputs 0 and 1, then each node's outputs before its blocks' values, as createClone does.
        FileCheck.Run("""
            # CHECK: graph(%x.1 : Tensor,
            # CHECK: %2 : int = prim::Constant[value=1]()
            # CHECK-NEXT: %3 : Tensor = aten::add(%x.1, %x.1, %2)
            # CHECK-NEXT: %y : Tensor = prim::If(%c)
            # CHECK: %5 : Tensor = aten::relu(%3)
            # CHECK: %6 : Tensor = aten::neg(%3)
            # CHECK: %7 : Tensor = aten::mul(%y, %3)
            # CHECK: return (%7)
            """, g);
        Assert.False(new Canonicalize().Run(g));
    }

    [Fact]
    public void WithoutDebugNamesEveryValueIsANumber()
    {
        var g = Graph.Parse(Ir);
        new Canonicalize(keepDebugNames: false).Run(g);
        g.Lint();
        FileCheck.Run("""
            # CHECK: graph(%0 : Tensor,
            # CHECK-NEXT: %1 : bool):
            # CHECK: %3 : Tensor = aten::add(%0, %0, %2)
            # CHECK-NEXT: %4 : Tensor = prim::If(%1)
            # CHECK: return (%7)
            """, g);
    }

    [Fact]
    public void GraphsDifferingOnlyInIdsPrintTheSame()
    {
        var a = Graph.Parse(Ir);
        var b = Graph.Parse(Ir.Replace("%17", "%99").Replace("%40", "%41").Replace("%5 ", "%55 ").Replace("(%5)", "(%55)"));
        Assert.NotEqual(a.ToString(), b.ToString());
        new Canonicalize().Run(a);
        new Canonicalize().Run(b);
        Assert.Equal(a.ToString(), b.ToString());
        // New values never reuse a canonical id.
        var n = a.InsertNode("aten::relu", [a.Inputs[0]]);
        Assert.True(n.Output().Id > 7);
    }
}

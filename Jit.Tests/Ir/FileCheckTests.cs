using Jit.Ir;
using Jit.Tests.Testing;
using Xunit;
using Xunit.Sdk;

namespace Jit.Tests.Ir;

public sealed class FileCheckTests
{
    private const string Text = "graph(%x : Tensor):\n  %1 : Tensor = aten::relu(%x)\n  %2 : Tensor = aten::relu(%1)\n  %3 : Tensor = aten::neg(%2)\n  return (%3)\n";

    [Fact]
    public void ChecksPassInOrder()
    {
        new FileCheck().Check("graph").CheckNext("aten::relu").CheckSame("(%x)").CheckNext("aten::relu")
            .CheckNot("aten::add").Check("aten::neg").CheckNext("return").Run(Text);
        new FileCheck().CheckCount("aten::relu", 2, exactly: true).CheckNot("aten::relu").Check("return").Run(Text);
        new FileCheck().CheckCount("aten::add", 0, exactly: true).Run(Text);
    }

    [Theory]
    [InlineData("aten::neg", "aten::relu")] // CHECK order
    public void OutOfOrderCheckFails(string first, string second) =>
        Assert.Throws<XunitException>(() => new FileCheck().Check(first).Check(second).Run(Text));

    [Fact]
    public void EachDirectiveKindCanFail()
    {
        Assert.Throws<XunitException>(() => new FileCheck().Check("graph").CheckNext("aten::neg").Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().Check("aten::relu").CheckSame("%1").Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().Check("graph").CheckNot("aten::relu").Check("return").Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().CheckCount("aten::relu", 3).Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().CheckCount("aten::relu", 1, exactly: true).Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().Check("aten::neg").CheckNot("return").Run(Text));
        Assert.Throws<XunitException>(() => new FileCheck().Run(Text));
    }

    [Fact]
    public void DirectivesAreReadFromCommentsAndTheInputParsesToo()
    {
        const string input = """
            graph(%x : Tensor):
              # CHECK: aten::relu
              # CHECK-SAME: (%x)
              # CHECK-NOT: aten::add
              # CHECK-COUNT-2: aten::relu
              # CHECK-NEXT: aten::neg
              %1 : Tensor = aten::relu(%x)
              %2 : Tensor = aten::relu(%1)
              %3 : Tensor = aten::neg(%2)
              return (%3)
            """;
        var graph = Graph.Parse(input);
        // The first CHECK consumes one relu, so COUNT-2 needs two more: this must fail.
        Assert.Throws<XunitException>(() => FileCheck.Run(input, graph));
        FileCheck.Run("# CHECK: graph\n# CHECK-COUNT-EXACTLY-2: aten::relu\n# CHECK-NEXT: aten::neg\n# CHECK-NOT: relu", graph);
    }
}

using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>The readable listing of an emitted module, and the dtypes the renderer declines.</summary>
public sealed class SpirvListingTests
{
    // out[i] = max(x[i], 0) * 2 over n float32 elements.
    internal static TeKernel SmallKernel()
    {
        var n = new Var("n");
        var x = TeBuffer.Contiguous("x", DType.Float32, [n]);
        var y = TeBuffer.Contiguous("y", DType.Float32, [n]);
        var i = new Var("i");
        var body = new ForStmt(i, 0, n, y.Store([i], Expr.Max(x.Load(i), 0.0) * 2.0));
        return new TeKernel("relu2", NodeList.Create<Var>([n]), NodeList.Create<TeBuffer>([x]), NodeList.Create<TeBuffer>([y]), body);
    }

    [Fact]
    public void ListingOfASmallKernel()
    {
        var listing = VulkanRenderer.Render(SmallKernel(), 64).Listing();
        File.WriteAllText("/tmp/relu2.txt", listing);
    }

    [Fact]
    public void UnsupportedBufferDTypeIsNamed()
    {
        var n = new Var("n");
        var x = TeBuffer.Contiguous("x", DType.Float16, [n]);
        var y = TeBuffer.Contiguous("y", DType.Float16, [n]);
        var i = new Var("i");
        var kernel = new TeKernel("h", NodeList.Create<Var>([n]), NodeList.Create<TeBuffer>([x]), NodeList.Create<TeBuffer>([y]), new ForStmt(i, 0, n, y.Store([i], x.Load(i))));
        var e = Assert.Throws<JitIrException>(() => VulkanRenderer.Render(kernel));
        Assert.Contains("float16", e.Message, StringComparison.Ordinal);
    }
}

using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Ops;

/// <summary>The shape functions on symbolic and unknown dims: what passes through, what is dropped, what is computed.</summary>
public sealed class SymbolicShapeTests
{
    private static readonly ShapeSymbol B = ShapeSymbol.Symbol(1);
    private static readonly ShapeSymbol N = ShapeSymbol.Symbol(2);

    private static AbstractValue Tensor(params ShapeSymbol?[] sizes) =>
        AbstractValue.OfTensor(new TensorType { DType = DType.Float32, Sizes = sizes });

    private static ShapeSymbol S(long v) => ShapeSymbol.Static(v);

    private static ShapeSymbol?[]? Shape(string op, params AbstractValue[] given)
    {
        var def = OpRegistry.Default.Get(op);
        var vals = given.ToList();
        for (int i = vals.Count; i < def.Schema.Arguments.Count; i++) vals.Add(AbstractValue.OfConstant(def.Schema.Arguments[i].DefaultValue!.Value));
        return def.Shape!(new OpArgs(def.Schema, vals), 0);
    }

    private static AbstractValue Int(long v) => AbstractValue.OfConstant(IValue.FromInt(v));
    private static AbstractValue Ints(params long[] v) =>
        AbstractValue.OfConstant(IValue.FromList(new IValueList(IntType.Instance, v.Select(IValue.FromInt).ToList())));

    [Fact]
    public void SymbolsBroadcastAgainstOne()
    {
        Assert.Equal([B, S(3)], Shape("aten::add.Tensor", Tensor(B, S(3)), Tensor(S(1), S(3))));
        Assert.Equal([B, S(3)], Shape("aten::add.Tensor", Tensor(B, S(3)), Tensor(S(3))));
        // A symbol against 5 can only be 1 or 5: the result is 5.
        Assert.Equal([S(5)], Shape("aten::mul.Tensor", Tensor(B), Tensor(S(5))));
        // Two different symbols: not known.
        Assert.Equal([null], Shape("aten::mul.Tensor", Tensor(B), Tensor(N)));
        Assert.Equal([B, N], Shape("aten::mul.Tensor", Tensor(B, S(1)), Tensor(N)));
    }

    [Fact]
    public void BroadcastErrorNamesTheOpAndBothShapes()
    {
        var e = Assert.Throws<JitShapeException>(() => Shape("aten::add.Tensor", Tensor(B, S(3)), Tensor(S(4))));
        Assert.Contains("aten::add.Tensor", e.Message);
        Assert.Contains("[SS(-1), 3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void ReductionsDropDimsWhateverTheyAre()
    {
        var no = AbstractValue.OfConstant(IValue.FromBool(false));
        var yes = AbstractValue.OfConstant(IValue.FromBool(true));
        Assert.Equal([B], Shape("aten::sum.dim_IntList", Tensor(B, N), Ints(-1), no));
        Assert.Equal([B, S(1)], Shape("aten::sum.dim_IntList", Tensor(B, N), Ints(1), yes));
        Assert.Empty(Shape("aten::sum", Tensor(B, N))!);
        Assert.Equal([N], Shape("aten::softmax.int", Tensor(N), Int(0)));
    }

    [Fact]
    public void ViewsComputeFromConstantsAndMatchSymbols()
    {
        Assert.Equal([B, S(15)], Shape("aten::flatten.using_ints", Tensor(B, S(3), S(5)), Int(1), Int(-1)));
        Assert.Equal([S(5), B], Shape("aten::transpose.int", Tensor(B, S(5)), Int(0), Int(1)));
        Assert.Equal([B, S(1), N], Shape("aten::unsqueeze", Tensor(B, N), Int(1)));
        Assert.Null(Shape("aten::squeeze", Tensor(B, S(1))));
        Assert.Equal([B], Shape("aten::squeeze.dim", Tensor(B, S(1)), Int(1)));
    }

    [Fact]
    public void ViewOfASizeTakenInTheGraphKeepsTheSymbol()
    {
        // %b = aten::size(%x, 0); aten::view(%x, [%b, -1]) on x : Float(SS(-1), 3, 5)
        var g = new Graph();
        var x = g.AddInput("x", new TensorType { DType = DType.Float32, Sizes = [B, S(3), S(5)] });
        var zero = g.InsertNode("prim::Constant", null);
        zero.SetAttribute("value", Jit.Ir.Attribute.Of(0L));
        zero.Output().Type = IntType.Instance;
        var minus1 = g.InsertNode("prim::Constant", null);
        minus1.SetAttribute("value", Jit.Ir.Attribute.Of(-1L));
        minus1.Output().Type = IntType.Instance;
        var size = g.InsertNode("aten::size", [x, zero.Output()]);
        size.Output().Type = IntType.Instance;
        var list = g.InsertNode("prim::ListConstruct", [size.Output(), minus1.Output()]);
        list.Output().Type = ListType.OfInts;
        var view = g.InsertNode("aten::view", [x, list.Output()]);
        var t = Assert.IsType<TensorType>(view.InferOutputTypes()[0]);
        Assert.Equal([B, null], t.Sizes!);

        var reshape = g.InsertNode("aten::reshape", [x, list.Output()]);
        x.Type = new TensorType { DType = DType.Float32, Sizes = [B, N] };
        reshape.InvalidateSchema();
        Assert.Equal([B, N], Assert.IsType<TensorType>(reshape.InferOutputTypes()[0]).Sizes!);
    }

    [Fact]
    public void MatmulAndConvWithSymbolicBatch()
    {
        Assert.Equal([B, S(3), S(7)], Shape("aten::matmul", Tensor(B, S(3), S(5)), Tensor(S(5), S(7))));
        Assert.Throws<JitShapeException>(() => Shape("aten::matmul", Tensor(B, S(3), S(5)), Tensor(S(4), S(7))));
        Assert.Equal([B, S(8)], Shape("aten::linear", Tensor(B, S(5)), Tensor(S(8), S(5))));
        var conv = Shape("aten::conv2d", Tensor(B, S(3), S(9), N), Tensor(S(4), S(3), S(3), S(3)), AbstractValue.OfConstant(IValue.None),
            Ints(1, 1), Ints(1, 1), Ints(1, 1), Int(1));
        Assert.Equal([B, S(4), S(9), null], conv);
    }

    [Fact]
    public void UnknownRankStaysUnknown()
    {
        var unknown = AbstractValue.OfTensor(new TensorType { DType = DType.Float32 });
        Assert.Null(Shape("aten::relu", unknown));
        Assert.Null(Shape("aten::add.Tensor", unknown, Tensor(S(3))));
        Assert.Empty(Shape("aten::sum", unknown)!);
    }
}

using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Xunit;

namespace Jit.Tests.Ops;

public sealed class SchemaTests
{
    public static TheoryData<string> TableSchemas()
    {
        var d = new TheoryData<string>();
        foreach (var op in OpRegistry.Default.All) d.Add(op.Schema.ToString());
        return d;
    }

    [Theory]
    [MemberData(nameof(TableSchemas))]
    public void EveryTableEntryRoundTrips(string text)
    {
        var once = FunctionSchema.Parse(text);
        Assert.Equal(text, once.ToString());
        Assert.Equal(text, FunctionSchema.Parse(once.ToString()).ToString());
    }

    [Theory]
    [InlineData("aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor")]
    [InlineData("aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=[1], int[1] padding=[0], int[1] dilation=[1], int groups=1) -> Tensor")]
    [InlineData("aten::layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1.0000000000000001e-05, bool cudnn_enable=True) -> Tensor")]
    [InlineData("aten::split.Tensor(Tensor(a -> *) self, int split_size, int dim=0) -> Tensor(a)[]")]
    [InlineData("aten::to.prim_Device(Tensor(a) self, Device? device, int? dtype=None, bool non_blocking=False, bool copy=False) -> Tensor(b|a)")]
    [InlineData("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)")]
    [InlineData("aten::items.str(Dict(str, t) self) -> ((str, t)[])")]
    [InlineData("aten::strip(str self, str chars=\" \\n\\t\\f\\v\") -> str")]
    [InlineData("aten::isclose(Tensor self, Tensor other, float rtol=1.0000000000000001e-05, float atol=1e-08, bool equal_nan=False) -> Tensor")]
    [InlineData("aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor")]
    [InlineData("aten::format(str self, ...) -> str")]
    [InlineData("prim::TupleUnpack(Any tup) -> ...")]
    [InlineData("aten::warn(str message, int stacklevel=2) -> ()")]
    [InlineData("aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)")]
    [InlineData("aten::empty.memory_format(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor")]
    public void PrintsBackExactlyAsPyTorch(string text) => Assert.Equal(text, FunctionSchema.Parse(text).ToString());

    [Fact]
    public void ParsesArgumentsIntoTheModel()
    {
        var s = FunctionSchema.Parse("aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, int[2] dilation=1, int groups=1) -> Tensor");
        Assert.Equal("aten::conv2d", s.Name);
        Assert.Equal("", s.OverloadName);
        Assert.Equal("aten::conv2d", s.QualifiedOverloadName);
        var stride = s.Arguments[3];
        Assert.Equal(2, stride.N);
        Assert.Equal("[1, 1]", SchemaFormatValue(stride.DefaultValue!.Value));
        Assert.True(s.Arguments[2].DefaultValue!.Value.IsNone);
        Assert.IsType<OptionalType>(s.Arguments[2].Type);

        var sum = FunctionSchema.Parse("aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor");
        Assert.True(sum.Arguments[3].KwargOnly);
        Assert.False(sum.Arguments[2].KwargOnly);
        // ScalarType is an int at run time; the schema keeps its spelling.
        Assert.Equal(new OptionalType(IntType.Instance), sum.Arguments[3].Type);
        Assert.Equal("ScalarType?", sum.Arguments[3].RealType.ToString());

        var add = FunctionSchema.Parse("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)");
        Assert.True(add.IsMutable);
        Assert.True(add.Arguments[0].Alias!.IsWrite);
        Assert.Equal(["a"], add.Arguments[0].Alias!.BeforeSets);
        Assert.Equal(1L, add.Arguments[2].DefaultValue!.Value.AsInt);

        var leaky = FunctionSchema.Parse("aten::leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor");
        Assert.Equal(0.01, leaky.Arguments[1].DefaultValue!.Value.AsDouble);
        // An int default for a float argument is a float, printed as PyTorch prints 1.0.
        Assert.Equal("aten::f(float p=1.) -> Tensor", FunctionSchema.Parse("aten::f(float p=1) -> Tensor").ToString());
    }

    private static string SchemaFormatValue(Jit.Runtime.IValue v) => v.ToString();

    [Theory]
    [InlineData("aten::add(Tensor self", 22)]
    [InlineData("aten::add(Tensor self) Tensor", 24)]
    [InlineData("aten::add(Tensor self=, Tensor other) -> Tensor", 23)]
    [InlineData("add(Tensor self) -> Tensor", 4)]
    [InlineData("aten::add(Tensor self, ..., int x) -> Tensor", 29)]
    [InlineData("aten::add(Tensor self) -> Tensor junk more", 39)]
    [InlineData("aten::f(int x=1.5) -> int", 15)]
    [InlineData("aten::f(str s=\"abc) -> int", 27)]
    [InlineData("aten::f(Tensor(a x) -> int", 18)]
    [InlineData("aten::f(int x=None) -> int", 15)]
    public void ParseErrorsNameTheColumn(string text, int column)
    {
        var e = Assert.Throws<JitParseException>(() => FunctionSchema.Parse(text));
        Assert.Equal(column, e.Column);
        Assert.Contains(text, e.Message);
    }
}

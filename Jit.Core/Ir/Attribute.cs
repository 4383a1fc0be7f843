using System.Globalization;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Ir;

/// <summary>Attribute kinds, with PyTorch's letters: <c>f fs i is s ss t ts g gs ty tys ival c</c>.</summary>
public enum AttributeKind
{
    Float,
    Floats,
    Int,
    Ints,
    String,
    Strings,
    Tensor,
    Tensors,
    Graph,
    Graphs,
    Type,
    Types,
    IValue,
    Complex,
}

/// <summary>A node attribute: a kind and its value (<see cref="double"/>, <see cref="long"/>,
/// <see cref="string"/>, <see cref="Tensors.Tensor"/>, <see cref="Ir.Graph"/>, <see cref="JitType"/>, arrays of those, or <see cref="Runtime.IValue"/>).</summary>
public sealed record Attribute(AttributeKind Kind, object Value)
{
    public static Attribute Of(double v) => new(AttributeKind.Float, v);
    public static Attribute Of(long v) => new(AttributeKind.Int, v);
    public static Attribute Of(string v) => new(AttributeKind.String, v);
    public static Attribute Of(Tensor v) => new(AttributeKind.Tensor, v);
    public static Attribute Of(Graph v) => new(AttributeKind.Graph, v);
    public static Attribute Of(JitType v) => new(AttributeKind.Type, v);
    public static Attribute Of(IValue v) => new(AttributeKind.IValue, v);
    public static Attribute Of(double[] v) => new(AttributeKind.Floats, v);
    public static Attribute Of(long[] v) => new(AttributeKind.Ints, v);
    public static Attribute Of(string[] v) => new(AttributeKind.Strings, v);

    /// <summary>The tensor value; a clear error for a tensor known only by its printed form (<see cref="PrintedValue"/>).</summary>
    public Tensor AsTensor() => Value switch
    {
        Tensor t => t,
        PrintedValue p => throw p.Unavailable("this tensor constant"),
        _ => throw new Errors.JitIrException($"attribute of kind {Kind} is not a tensor"),
    };

    public override string ToString() => Value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}

using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Ops;

/// <summary>
/// The abstract inputs of one call, one per schema argument (defaults filled), with accessors the
/// dtype rules and shape functions use. Accessors return null for "not known", never guess.
/// </summary>
public sealed class OpArgs
{
    public OpArgs(FunctionSchema schema, IReadOnlyList<AbstractValue> values)
    {
        Schema = schema;
        Values = values;
    }

    public FunctionSchema Schema { get; }
    public IReadOnlyList<AbstractValue> Values { get; }
    public int Count => Values.Count;
    public AbstractValue this[int i] => Values[i];

    /// <summary>For messages: <c>aten::add.Tensor</c>.</summary>
    public string Op => Schema.QualifiedOverloadName;

    /// <summary>Abstract inputs of a graph node for <paramref name="schema"/>: its inputs, then defaults for missing trailing args.</summary>
    public static OpArgs FromNode(Node node, FunctionSchema schema)
    {
        var vals = new List<AbstractValue>();
        foreach (var v in node.Inputs) vals.Add(AbstractValue.Of(v));
        for (int i = vals.Count; i < schema.Arguments.Count; i++)
            vals.Add(schema.Arguments[i].DefaultValue is { } d ? AbstractValue.OfConstant(d) : new AbstractValue(schema.Arguments[i].Type));
        return new OpArgs(schema, vals);
    }

    /// <summary>The tensor type of argument <paramref name="i"/> (Unknown if it is not a known tensor).</summary>
    public TensorType Tensor(int i) => Values[i].Tensor ?? TensorType.Unknown;

    public ShapeSymbol?[]? Sizes(int i) => Tensor(i).Sizes?.ToArray();
    public int? Rank(int i) => Tensor(i).Rank;
    public DType? DTypeOf(int i) => Tensor(i).DType;

    public bool IsNone(int i) => i < Values.Count && Values[i].IsNone;

    public long? Int(int i) => Values[i].Constant is { IsInt: true } c ? c.AsInt : Values[i].Constant is { IsBool: true } b ? (b.AsBool ? 1 : 0) : null;
    public double? Double(int i) => Values[i].Constant is { IsScalar: true } c ? c.AsDouble : null;
    public bool? Bool(int i) => Values[i].Constant is { IsBool: true } c ? c.AsBool : null;
    public string? String(int i) => Values[i].Constant is { IsString: true } c ? c.AsString : null;

    /// <summary>A constant int list (dims, kernel sizes…); null if any item is unknown.</summary>
    public long[]? Ints(int i)
    {
        var items = Values[i].Items;
        if (items is null) return Values[i].Constant is { IsInt: true } one ? [one.AsInt] : null;
        var r = new long[items.Count];
        for (int k = 0; k < r.Length; k++)
        {
            if (items[k].Constant is not { IsInt: true } c) return null;
            r[k] = c.AsInt;
        }
        return r;
    }

    /// <summary>
    /// A list of sizes: each item a static size, the symbol an <c>aten::size</c> stands for, -1 as
    /// <see cref="InferDim"/>, or null when unknown. Null when even the length is unknown.
    /// </summary>
    public ShapeSymbol?[]? SizeList(int i)
    {
        var items = Values[i].Items;
        if (items is null) return null;
        var r = new ShapeSymbol?[items.Count];
        for (int k = 0; k < r.Length; k++)
            r[k] = items[k].Constant is { IsInt: true, AsInt: -1 } ? InferDim : items[k].Dim;
        return r;
    }

    /// <summary>Marks a -1 in a size list (view, reshape, expand): "infer" or "keep".</summary>
    public static readonly ShapeSymbol InferDim = new(long.MinValue);

    /// <summary>The dtype a ScalarType argument names; null when it is None or unknown.</summary>
    public DType? ScalarTypeArg(int i)
    {
        if (Int(i) is not { } code) return null;
        if (!DTypeInfo.IsDefined((int)code)) throw new JitTypeException($"{Op}: unsupported dtype code {code}");
        return (DType)code;
    }

    /// <summary>Wraps a dim into [0, rank) as PyTorch's <c>maybe_wrap_dim</c> does; a JitShapeException when out of range.</summary>
    public long WrapDim(long dim, int rank, int? argForMessage = null)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new JitShapeException($"{Op}: dimension {dim} out of range for a tensor of rank {rank}"
                + (argForMessage is { } a ? $" (shape {ShapeText.Format(Sizes(a))})" : ""));
        return dim < 0 ? dim + r : dim;
    }
}

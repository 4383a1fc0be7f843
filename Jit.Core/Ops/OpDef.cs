using Jit.Ir;

namespace Jit.Ops;

/// <summary>One op overload: schema, kind, flags, and for ops with tensor returns a dtype rule and a shape function.</summary>
public sealed class OpDef
{
    public OpDef(FunctionSchema schema, OpKind kind, OpFlags flags, DTypeRule? dtype, ShapeFunction? shape)
    {
        Schema = schema;
        Kind = kind;
        // Mutation is a fact of the schema; the table cannot forget or invent it.
        Flags = schema.IsMutable ? flags | OpFlags.MutatesInputs : flags & ~OpFlags.MutatesInputs;
        DType = dtype;
        Shape = shape;
    }

    public FunctionSchema Schema { get; }
    public OpKind Kind { get; }
    public OpFlags Flags { get; }
    public DTypeRule? DType { get; }
    public ShapeFunction? Shape { get; }

    public bool HasSideEffects => (Flags & OpFlags.SideEffects) != 0;
    public bool IsNondeterministic => (Flags & OpFlags.Nondeterministic) != 0;
    public bool MutatesInputs => (Flags & OpFlags.MutatesInputs) != 0;

    /// <summary>Whether some return is a tensor or a list of tensors (then a dtype rule and shape function are required).</summary>
    public bool HasTensorOutputs => Schema.Returns.Any(r => IsTensorLike(r.Type));

    internal static bool IsTensorLike(JitType t) =>
        t is TensorType || (t is ListType { Element: TensorType });

    /// <summary>
    /// The refined type of each return: a <see cref="TensorType"/> with dtype and sizes for tensor
    /// returns (for <c>Tensor[]</c>: a list of that element type), the declared type otherwise.
    /// </summary>
    public JitType[] InferOutputTypes(OpArgs args)
    {
        var result = new JitType[Schema.Returns.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var declared = Schema.Returns[i].Type;
            if (!IsTensorLike(declared) || DType is null || Shape is null)
            {
                result[i] = declared;
                continue;
            }
            var t = new TensorType { DType = DType(args, i), Sizes = Shape(args, i) };
            result[i] = declared is ListType ? new ListType(t) : t;
        }
        return result;
    }

    /// <summary>One line of <c>jit ops</c>: schema, kind, flags.</summary>
    public string Describe()
    {
        var flags = new List<string>();
        if (HasSideEffects) flags.Add("side-effects");
        if (IsNondeterministic) flags.Add("nondeterministic");
        if (MutatesInputs) flags.Add("mutates");
        return $"{Schema}  [{Kind.ToString().ToLowerInvariant()}{(flags.Count > 0 ? ", " + string.Join(", ", flags) : "")}]";
    }

    public override string ToString() => Schema.ToString();
}

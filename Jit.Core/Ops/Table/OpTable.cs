namespace Jit.Ops;

/// <summary>
/// The op table: every op overload the runtime knows, each once, with its exact PyTorch 1.13
/// schema, kind, flags, dtype rule and shape function. Split by family into partial files; the
/// overloads of one op name stay together in PyTorch's registration order, which is the order
/// overload resolution tries them in.
/// </summary>
public static partial class OpTable
{
    public static IEnumerable<OpDef> All() =>
        [.. Arithmetic(), .. Comparison(), .. Unary(), .. Nn(), .. Reductions(), .. Views(), .. Factories(), .. Random(), .. Host(), .. Prim()];

    private static OpDef Op(string schema, OpKind kind, DTypeRule? dtype = null, ShapeFunction? shape = null, OpFlags flags = OpFlags.None) =>
        new(FunctionSchema.Parse(schema), kind, flags, dtype, shape);

    private static OpDef Op(string schema, OpKind kind, OpFlags flags) => Op(schema, kind, null, null, flags);
}

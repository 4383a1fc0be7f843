using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// A kernel buffer: name, dtype, sizes and strides (in elements) as expressions over the kernel's
/// params. Element <c>(i0..ik)</c> lives at offset <c>sum(ik * Strides[k])</c>. Inputs usually
/// have stride params (any layout, including stride-0 broadcast views); outputs and temporaries
/// are usually contiguous.
/// </summary>
public sealed record TeBuffer(string Name, DType DType, NodeList<Expr> Sizes, NodeList<Expr> Strides)
{
    public int Rank => Sizes.Count;

    /// <summary>A row-major contiguous buffer.</summary>
    public static TeBuffer Contiguous(string name, DType dtype, IReadOnlyList<Expr> sizes) =>
        new(name, dtype, NodeList.From(sizes), ContiguousStrides(sizes));

    /// <summary>Row-major strides for <paramref name="sizes"/>, simplified (<c>[m*k, k, 1]</c>).</summary>
    public static NodeList<Expr> ContiguousStrides(IReadOnlyList<Expr> sizes)
    {
        var strides = new Expr[sizes.Count];
        Expr acc = Expr.Int(1);
        for (int d = sizes.Count - 1; d >= 0; d--)
        {
            strides[d] = acc;
            acc = TeSimplifier.Simplify(acc * sizes[d]);
        }
        return NodeList.Create<Expr>(strides);
    }

    public LoadExpr Load(params Expr[] indices) => new(this, NodeList.Create<Expr>(indices));

    public LoadExpr Load(IReadOnlyList<Expr> indices) => new(this, NodeList.From(indices));

    public StoreStmt Store(IReadOnlyList<Expr> indices, Expr value) => new(this, NodeList.From(indices), Expr.Cast(value, DType));

    /// <summary>
    /// This buffer read at the output position <paramref name="outIndices"/> of a broadcast whose
    /// rank may be larger (NumPy rules: dims align at the right, missing leading dims repeat).
    /// A dim whose size is the constant 1 reads index 0; any other dim reads the output index,
    /// so a runtime broadcast of a symbolic dim must be passed as a stride-0 (expanded) view.
    /// </summary>
    public LoadExpr LoadBroadcast(IReadOnlyList<Expr> outIndices)
    {
        if (outIndices.Count < Rank)
            throw new ArgumentException($"buffer {Name} has rank {Rank}, more than the {outIndices.Count} output indices");
        int lead = outIndices.Count - Rank;
        var idx = new Expr[Rank];
        for (int d = 0; d < Rank; d++)
            idx[d] = Sizes[d] is IntImm { Value: 1 } ? Expr.Int(0) : outIndices[lead + d];
        return new LoadExpr(this, NodeList.Create<Expr>(idx));
    }
}

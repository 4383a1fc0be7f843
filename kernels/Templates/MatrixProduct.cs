using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// The one matrix-product loop nest behind mm, bmm, matmul, linear and addmm, with PyTorch's
/// matmul rank rules: a vector operand contributes no output dim, matrix stacks broadcast their
/// batch dims. Each output element is a float32 (half types) or same-dtype sum over the
/// contracted dim, in increasing order, followed by an optional epilogue (bias, scaling); the
/// CPU loop nest and the GPU tiled form share the operands, the sum and the epilogue.
/// </summary>
internal static class MatrixProduct
{
    /// <summary>What an epilogue sees: the output shape, the output index and the accumulated product.</summary>
    public delegate Expr Epilogue(IReadOnlyList<Expr> shape, IReadOnlyList<Expr> index, Expr product);

    /// <summary>
    /// Adds the output (dtype <paramref name="dtype"/>) and its computation: on a GPU target the
    /// <see cref="TiledMatrixProduct"/> form, else a loop nest over the output with the contracted
    /// loop inside. The operands' inner sizes must be the same var.
    /// </summary>
    public static TeBuffer Emit(KernelBuilder kb, MatrixOperand a, MatrixOperand b, DType dtype, Epilogue? epilogue = null)
    {
        var batch = Broadcast.Shape(a.Batch, b.Batch);
        var shape = new List<Expr>(batch);
        if (!a.IsVector) shape.Add(a.Rows);
        if (!b.IsVector) shape.Add(b.Cols);
        Expr inner = a.IsVector ? a.Buffer.Sizes[0] : a.Cols;
        var output = kb.Output("out", dtype, shape);
        var accumulate = Accumulation.Of(dtype);
        Expr Result(IReadOnlyList<Expr> index, Expr product) => epilogue is null ? product : epilogue(output.Sizes, index, product);
        if (TiledMatrixProduct.Applies(kb, a, b))
        {
            kb.Add(TiledMatrixProduct.Build(kb, a, b, batch, output, accumulate, Result));
            return output;
        }
        var nest = new OutputNest(kb, output.Sizes);
        var idx = nest.Index;
        var batchIndex = idx.Take(batch.Length).ToArray<Expr>();
        Expr row = a.IsVector ? Expr.Int(0) : idx[batch.Length];
        Expr col = b.IsVector ? Expr.Int(0) : idx[^1];
        var sum = nest.Reduce(Reducer.Sum, accumulate, [ReductionAxis.Range(inner)], r =>
            Expr.Cast(a.Load(batch, batchIndex, row, r[0], r[0]), accumulate) * Expr.Cast(b.Load(batch, batchIndex, r[0], col, r[0]), accumulate));
        nest.Store(output, Result(idx, sum));
        kb.Add(nest.Build());
        return output;
    }

    /// <summary>
    /// Checks what the CPU kernel checks before multiplying (one dtype, ranks of at least 1,
    /// equal contracted sizes, broadcastable batch dims).
    /// </summary>
    public static void Validate(TemplateArgs args, Tensor a, bool aTransposed, Tensor b, bool bTransposed)
    {
        if (a.DType != b.DType) throw args.Unsupported($"operands have dtypes {a.DType.PythonName()} and {b.DType.PythonName()}");
        if (!Accumulation.IsNumeric(a.DType)) throw args.Unsupported($"dtype {a.DType.PythonName()} is not supported");
        if (a.Rank == 0 || b.Rank == 0) throw args.Unsupported("a 0-D operand");
        long ka = a.Sizes[MatrixOperand.InnerDim(a.Rank, right: false, aTransposed)];
        long kb = b.Sizes[MatrixOperand.InnerDim(b.Rank, right: true, bTransposed)];
        if (ka != kb) throw args.Unsupported($"contracted sizes differ ({ka} and {kb})");
        ReadOnlySpan<long> batchA = a.Rank > 2 ? a.Sizes[..^2] : [];
        ReadOnlySpan<long> batchB = b.Rank > 2 ? b.Sizes[..^2] : [];
        int rank = Math.Max(batchA.Length, batchB.Length);
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - batchA.Length), db = d - (rank - batchB.Length);
            if (da >= 0 && db >= 0 && batchA[da] != batchB[db] && batchA[da] != 1 && batchB[db] != 1)
                throw args.Unsupported($"batch dims {batchA[da]} and {batchB[db]} do not broadcast");
        }
    }

    /// <summary>Sizes for an operand's input buffer: fresh params except the contracted dim, which is <paramref name="inner"/> when given.</summary>
    public static Expr?[] Sizes(Tensor t, bool right, bool transposed, Expr? inner)
    {
        var sizes = new Expr?[t.Rank];
        sizes[MatrixOperand.InnerDim(t.Rank, right, transposed)] = inner;
        return sizes;
    }
}

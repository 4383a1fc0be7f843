using Jit.TensorExpr;

namespace Jit.Kernels.Templates;

/// <summary>
/// One side of a matrix product as PyTorch's matmul sees it: a vector (rank 1) or a stack of
/// matrices (rank 2 and up, leading dims are batch). <see cref="Transposed"/> reads the last two
/// dims swapped in place (linear's weight).
/// </summary>
internal sealed record MatrixOperand(TeBuffer Buffer, bool Transposed = false)
{
    public int Rank => Buffer.Rank;

    public bool IsVector => Rank == 1;

    public IReadOnlyList<Expr> Batch => Rank > 2 ? Buffer.Sizes.Take(Rank - 2).ToArray() : [];

    public Expr Rows => Transposed ? Buffer.Sizes[^1] : Buffer.Sizes[^2];

    public Expr Cols => Transposed ? Buffer.Sizes[^2] : Buffer.Sizes[^1];

    /// <summary>The position of the contracted dim in a tensor of <paramref name="rank"/> on the left or right of a product.</summary>
    public static int InnerDim(int rank, bool right, bool transposed) => rank == 1 ? 0 : right != transposed ? rank - 2 : rank - 1;

    /// <summary>
    /// Element (row, col) of the matrix at the output batch position (dims aligned at the right,
    /// size-1 dims broadcast); a vector is read at its contracted index, <paramref name="inner"/>.
    /// </summary>
    public Expr Load(IReadOnlyList<Expr> outBatch, IReadOnlyList<Expr> batchIndex, Expr row, Expr col, Expr inner)
    {
        if (IsVector) return Buffer.Load(inner);
        var idx = new Expr[Rank];
        int lead = outBatch.Count - (Rank - 2);
        for (int d = 0; d < Rank - 2; d++) idx[d] = Building.Broadcast.Index(Buffer.Sizes[d], outBatch[lead + d], batchIndex[lead + d]);
        idx[Rank - 2] = Transposed ? col : row;
        idx[Rank - 1] = Transposed ? row : col;
        return Buffer.Load(idx);
    }
}

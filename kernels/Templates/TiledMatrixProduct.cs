using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// The GPU form of <see cref="MatrixProduct"/>, written for work-groups (a
/// <see cref="Jit.Codegen.GpuStageKind.Tiled"/> stage): each work-group computes a
/// <see cref="TileM"/>×<see cref="TileN"/> block of one output matrix, each of its
/// <see cref="LocalSize"/> work-items a <see cref="BlockM"/>×<see cref="BlockN"/> register block.
/// Per step of <see cref="TileK"/> along the contracted dim the group loads an A and a B tile into
/// local memory together (zeros past the edges), waits at a barrier, accumulates, and waits again.
/// A grid-stride loop over (batch, tile) pairs makes any number of work-groups correct. Each
/// output element is the same sum, in the same order, as the loop nest's, then the same epilogue.
/// </summary>
internal static class TiledMatrixProduct
{
    public const int TileM = 64, TileN = 64, TileK = 16, BlockM = 8, BlockN = 8;

    private const int ThreadsN = TileN / BlockN;

    /// <summary>Work-items per work-group.</summary>
    public const int LocalSize = TileM / BlockM * ThreadsN;

    /// <summary>Whether the product is tiled: on a GPU target, matrix (not vector) operands.</summary>
    public static bool Applies(KernelBuilder kb, MatrixOperand a, MatrixOperand b) =>
        kb.Args.Target == KernelTarget.Gpu && !a.IsVector && !b.IsVector;

    /// <summary>
    /// The block loop storing <paramref name="result"/>(output index, product) into
    /// <paramref name="output"/> (batch dims <paramref name="batch"/>, then rows and columns).
    /// </summary>
    public static Stmt Build(KernelBuilder kb, MatrixOperand a, MatrixOperand b, IReadOnlyList<Expr> batch, TeBuffer output,
        DType accumulate, Func<IReadOnlyList<Expr>, Expr, Expr> result)
    {
        Expr rows = a.Rows, cols = b.Cols, inner = a.Cols;
        Expr tilesM = (rows + (TileM - 1)) / TileM, tilesN = (cols + (TileN - 1)) / TileN;
        Expr matrices = batch.Aggregate<Expr, Expr>(Expr.Int(1), (n, size) => n * size);
        var tile = kb.NewVar("tile");
        var tid = kb.NewVar("tid");
        var kt = kb.NewVar("kt");
        var kk = kb.NewVar("kk");
        var (i, j, l) = (kb.NewVar("i"), kb.NewVar("j"), kb.NewVar("l"));
        var aTile = TeBuffer.Contiguous(kb.NewName("a_tile"), accumulate, [TileK, TileM]);
        var bTile = TeBuffer.Contiguous(kb.NewName("b_tile"), accumulate, [TileK, TileN]);
        var acc = TeBuffer.Contiguous(kb.NewName("acc"), accumulate, [LocalSize, BlockM, BlockN]);

        // The tile's position, once per work-group: batch indices, first row, first column.
        var lets = new List<(TeBuffer Scalar, Expr Value)>();
        Expr Let(string name, Expr value)
        {
            var scalar = TeBuffer.Contiguous(kb.NewName(name), DType.Int64, []);
            lets.Add((scalar, value));
            return scalar.Load();
        }
        var row0 = Let("row0", tile / tilesN % tilesM * TileM);
        var col0 = Let("col0", tile % tilesN * TileN);
        var batchIndex = new Expr[batch.Count];
        Expr rest = tile / (tilesM * tilesN);
        for (int d = batch.Count - 1; d >= 0; d--)
        {
            batchIndex[d] = Let($"batch{d}", d == 0 ? rest : rest % batch[d]);
            rest = rest / batch[d];
        }

        Expr k0 = kt * TileK;
        Expr zero = Expr.Const(0, accumulate);
        Expr element = tid + l * LocalSize;
        // A tile as [k][m] read along k, B tile as [k][n] read along n: neighbouring work-items read neighbouring elements of a contiguous operand.
        Expr am = element / TileK, ak = k0 + element % TileK;
        Expr bk = k0 + element / TileN, bn = element % TileN;
        var loadA = Guarded(Expr.And(Expr.Lt(row0 + am, rows), Expr.Lt(ak, inner)), aTile, [element % TileK, am],
            Expr.Cast(a.Load(batch, batchIndex, row0 + am, ak, ak), accumulate), zero);
        var loadB = Guarded(Expr.And(Expr.Lt(bk, inner), Expr.Lt(col0 + bn, cols)), bTile, [element / TileN, bn],
            Expr.Cast(b.Load(batch, batchIndex, bk, col0 + bn, bk), accumulate), zero);
        var load = Block(
            new ForStmt(l, 0, TileM * TileK / LocalSize, loadA),
            new ForStmt(l, 0, TileN * TileK / LocalSize, loadB));

        // A work-item's block is strided (rows ty, ty + 16, ...; columns tx, tx + 16, ...), so
        // neighbouring work-items read neighbouring tile elements and write neighbouring outputs.
        Expr myRow = tid / ThreadsN + i * (TileM / BlockM), myCol = tid % ThreadsN + j * ThreadsN;
        Expr[] mine = [tid, i, j];
        // Per step along k, the work-item's column of A and row of B go to registers first.
        var aPart = TeBuffer.Contiguous(kb.NewName("a_part"), accumulate, [BlockM]);
        var bPart = TeBuffer.Contiguous(kb.NewName("b_part"), accumulate, [BlockN]);
        var multiply = new ReduceStmt(acc, NodeList.Create(mine), Reducer.Sum, aPart.Load(i) * bPart.Load(j));
        var step = Block(
            new ForStmt(i, 0, BlockM, aPart.Store([i], aTile.Load(kk, myRow)), LoopAnnotation.Unroll(BlockM)),
            new ForStmt(j, 0, BlockN, bPart.Store([j], bTile.Load(kk, myCol)), LoopAnnotation.Unroll(BlockN)),
            RegisterBlock(i, j, multiply));
        var compute = new ForStmt(kk, 0, Expr.Min(Expr.Int(TileK), inner - k0),
            new AllocateStmt(aPart, new AllocateStmt(bPart, step, BufferScope.Private), BufferScope.Private));
        var steps = new ForStmt(kt, 0, (inner + (TileK - 1)) / TileK,
            Block(Threads(tid, load), BarrierStmt.Instance, Threads(tid, compute), BarrierStmt.Instance));

        Expr[] index = [.. batchIndex, row0 + myRow, col0 + myCol];
        var store = new IfStmt(Expr.And(Expr.Lt(row0 + myRow, rows), Expr.Lt(col0 + myCol, cols)),
            output.Store(index, result(index, acc.Load(mine))));
        Stmt body = Block(
            Threads(tid, RegisterBlock(i, j, acc.Store(mine, Reducer.Sum.Init(accumulate)))),
            steps,
            Threads(tid, RegisterBlock(i, j, store)));
        body = new AllocateStmt(acc, body, BufferScope.PerWorkItem);
        body = new AllocateStmt(bTile, body, BufferScope.Local);
        body = new AllocateStmt(aTile, body, BufferScope.Local);
        for (int s = lets.Count - 1; s >= 0; s--)
            body = new AllocateStmt(lets[s].Scalar, Block(lets[s].Scalar.Store([], lets[s].Value), body), BufferScope.Private);
        return new ForStmt(tile, 0, matrices * tilesM * tilesN, body, LoopAnnotation.GpuBlock(0));
    }

    private static IfStmt Guarded(Expr inside, TeBuffer tile, Expr[] at, Expr value, Expr zero) =>
        new(inside, tile.Store(at, value), tile.Store(at, zero));

    private static ForStmt RegisterBlock(Var i, Var j, Stmt body) =>
        new(i, 0, BlockM, new ForStmt(j, 0, BlockN, body, LoopAnnotation.Unroll(BlockN)), LoopAnnotation.Unroll(BlockM));

    private static ForStmt Threads(Var tid, Stmt body) => new(tid, 0, LocalSize, body, LoopAnnotation.GpuThread(0));

    private static BlockStmt Block(params Stmt[] stmts) => new(NodeList.Create(stmts));
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Folds one k-block's tile into C. The first block writes alpha·acc + beta·C (C is not read
/// when beta is 0, so NaN there does not leak, as BLAS and PyTorch); later blocks add
/// alpha·acc; the last block adds the row bias (conv: one per output channel) or column bias
/// (linear: one per output feature), then the addend (a residual laid out as C), and applies relu
/// as "v &lt; 0 ? 0 : v", which keeps NaN as the relu kernel does. The vector and scalar loops perform the
/// same IEEE operations per element (no fused multiply-add here), so an element's value does
/// not depend on whether it fell into a full or an edge tile.
/// </summary>
internal unsafe struct GemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Alpha;
    public T Beta;
    public T* RowBias;
    public T* ColBias;
    public T* Addend;
    public bool Relu;

    /// <summary>
    /// Whether <see cref="Apply"/> for this k-block reduces to C = acc (first block) or
    /// C = C + acc (later ones): then a micro-kernel stores a full tile straight into C with the
    /// same per-element operations and no scratch tile. A new field must be accounted for here.
    /// </summary>
    public readonly bool Plain(bool first, bool last) => Direct(first) && (!last || !HasFinish);

    /// <summary>
    /// Whether a vector micro-kernel can store this k-block's full tile straight into C with
    /// the epilogue folded into its stores (<see cref="GemmMicroKernels.TileFinished{TV, T, TM}"/>):
    /// a last block with alpha 1 and no beta scaling, bias, addend or relu taken in the stores.
    /// </summary>
    public readonly bool Finishes(bool first, bool last) => last && Direct(first) && HasFinish;

    /// <summary>Alpha 1 and, on the first block, beta 0: C = acc, or C = C + acc.</summary>
    private readonly bool Direct(bool first) => Alpha == T.One && (!first || Beta == T.Zero);

    private readonly bool HasFinish => RowBias != null || ColBias != null || Addend != null || Relu;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void Apply(T* tile, int tileLd, int rows, int cols, T* c, long ldc, int i, int j, bool first, bool last)
    {
        bool scale = Alpha != T.One;
        bool readC = !first || Beta != T.Zero;
        bool scaleC = first && Beta != T.One;
        int w = Vector<T>.Count;
        for (int r = 0; r < rows; r++)
        {
            T* t = tile + r * tileLd;
            T* cr = c + (i + r) * ldc + j;
            T* cb = ColBias == null ? null : ColBias + j;
            T* za = Addend == null || !last ? null : Addend + (i + r) * ldc + j;
            bool rowBias = last && RowBias != null;
            T rb = rowBias ? RowBias[i + r] : T.Zero;
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; x + w <= cols; x += w)
                {
                    var v = Vector.Load(t + x);
                    if (scale) v *= Alpha;
                    if (readC)
                    {
                        var old = Vector.Load(cr + x);
                        v = first ? v + (scaleC ? old * Beta : old) : old + v;
                    }
                    if (last)
                    {
                        if (rowBias) v += new Vector<T>(rb);
                        if (cb != null) v += Vector.Load(cb + x);
                        if (za != null) v += Vector.Load(za + x);
                        if (Relu) v = Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v);
                    }
                    v.Store(cr + x);
                }
            }
            for (; x < cols; x++)
            {
                T v = t[x];
                if (scale) v *= Alpha;
                if (readC)
                {
                    T old = cr[x];
                    v = first ? v + (scaleC ? old * Beta : old) : old + v;
                }
                if (last)
                {
                    if (rowBias) v += rb;
                    if (cb != null) v += cb[x];
                    if (za != null) v += za[x];
                    if (Relu && v < T.Zero) v = T.Zero;
                }
                cr[x] = v;
            }
        }
    }
}

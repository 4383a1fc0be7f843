using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>matmul: vector/matrix cases, and batched with broadcast batch dims.</summary>
    public static readonly ShapeFunction MatMul = (a, _) =>
    {
        var x = a.Sizes(0);
        var y = a.Sizes(1);
        if (x is null || y is null) return null;
        if (x.Length == 0 || y.Length == 0) throw Error(a, "both arguments to matmul need to be at least 1D", x, y);
        bool xv = x.Length == 1, yv = y.Length == 1;
        var xm = xv ? [One, x[0]] : x;
        var ym = yv ? [y[0], One] : y;
        Unify(xm[^1], ym[^2], () => Error(a, "mat1 and mat2 shapes cannot be multiplied", x, y));
        var batch = BroadcastSizes(a.Op, xm[..^2], ym[..^2])!;
        var r = batch.ToList();
        if (!xv) r.Add(xm[^2]);
        if (!yv) r.Add(ym[^1]);
        return r.ToArray();
    };

    /// <summary>mm / bmm: exactly <paramref name="rank"/>-D operands.</summary>
    public static ShapeFunction BatchMatMul(int x, int y, int rank) => (a, _) =>
    {
        var p = a.Sizes(x);
        var q = a.Sizes(y);
        if (p is not null && p.Length != rank) throw Error(a, $"expected a {rank}-D tensor", p);
        if (q is not null && q.Length != rank) throw Error(a, $"expected a {rank}-D tensor", q);
        if (p is null || q is null) return p is null && q is null ? null : new ShapeSymbol?[rank];
        Unify(p[^1], q[^2], () => Error(a, "mat1 and mat2 shapes cannot be multiplied", p, q));
        var r = new ShapeSymbol?[rank];
        for (int i = 0; i < rank - 2; i++) r[i] = Unify(p[i], q[i], () => Error(a, "batch sizes must match", p, q));
        r[^2] = p[^2];
        r[^1] = q[^1];
        return r;
    };

    /// <summary>addmm / baddbmm: the product's shape; self must broadcast to it.</summary>
    public static ShapeFunction AddMatMul(int self, int x, int y, int rank) => (a, o) =>
    {
        var prod = BatchMatMul(x, y, rank)(a, o);
        if (prod is not null && a.Sizes(self) is { } s)
        {
            var b = BroadcastSizes(a.Op, s, prod);
            if (b is not null && b.Length != prod.Length) throw Error(a, "self does not broadcast to the product", s, prod);
        }
        return prod;
    };

    /// <summary>linear(input, weight[out, in], bias): [..., in] → [..., out].</summary>
    public static readonly ShapeFunction Linear = (a, _) =>
    {
        var x = a.Sizes(0);
        var w = a.Sizes(1);
        if (x is null) return null;
        if (w is null) return x.Length == 0 ? null : [.. x[..^1], null];
        if (w.Length == 1) return x[..^1];
        if (w.Length != 2 || x.Length == 0) throw Error(a, "mat1 and mat2 shapes cannot be multiplied", x, w);
        Unify(x[^1], w[1], () => Error(a, "mat1 and mat2 shapes cannot be multiplied", x, w));
        return [.. x[..^1], w[0]];
    };

    /// <summary>
    /// Convolution with <paramref name="spatial"/> spatial dims (0: from the weight's rank), arguments
    /// at the given indices; <paramref name="transposed"/> an argument index or null.
    /// </summary>
    public static ShapeFunction Conv(int spatial, int stride, int padding, int dilation, int groups, int? transposed = null, int? outputPadding = null) => (a, _) =>
    {
        var x = a.Sizes(0);
        var w = a.Sizes(1);
        if (x is null || w is null) return null;
        // The weight's rank decides the spatial dims, as in PyTorch; conv1d/2d/3d also insist on theirs.
        int sp = w.Length - 2;
        if (sp < 1 || (spatial > 0 && sp != spatial)) throw Error(a, $"expected a weight of rank {(spatial > 0 ? spatial + 2 : 3)} or more", x, w);
        bool batched = x.Length == sp + 2;
        if (!batched && x.Length != sp + 1) throw Error(a, $"expected a {sp + 1}-D or {sp + 2}-D input", x, w);
        bool tr = transposed is { } t && a.Bool(t) == true;
        if (transposed is { } t2 && a.Bool(t2) is null) return null;
        var st = Expand(a, a.Ints(stride), sp, "stride");
        var pd = a.String(padding) is { } mode ? (mode == "same" ? null : new long[sp]) : Expand(a, a.Ints(padding), sp, "padding");
        var dl = Expand(a, a.Ints(dilation), sp, "dilation");
        var op = outputPadding is { } opi ? Expand(a, a.Ints(opi), sp, "output_padding") : new long[sp];
        long? g = a.Int(groups);
        var r = new List<ShapeSymbol?>();
        if (batched) r.Add(x[0]);
        r.Add(tr ? (g is { } gg ? Mul(w[1], ShapeSymbol.Static(gg)) : null) : w[0]);
        int xs = batched ? 2 : 1;
        for (int i = 0; i < sp; i++)
        {
            if (a.String(padding) == "same") { r.Add(x[xs + i]); continue; }
            if (x[xs + i] is not { IsStatic: true } inS || w[2 + i] is not { IsStatic: true } k || st is null || pd is null || dl is null || op is null)
            {
                r.Add(null);
                continue;
            }
            long o = tr
                ? (inS.Value - 1) * st[i] - 2 * pd[i] + dl[i] * (k.Value - 1) + op[i] + 1
                : (inS.Value + 2 * pd[i] - dl[i] * (k.Value - 1) - 1) / st[i] + 1;
            if (o <= 0 || (!tr && inS.Value + 2 * pd[i] < dl[i] * (k.Value - 1) + 1))
                throw Error(a, "calculated output size is too small (kernel larger than the padded input)", x, w);
            r.Add(ShapeSymbol.Static(o));
        }
        return r.ToArray();
    };

    /// <summary>A per-spatial-dim list given as one value or one per dim; any other length is an error.</summary>
    private static long[]? Expand(OpArgs a, long[]? v, int n, string what)
    {
        if (v is null) return null;
        if (v.Length == n) return v;
        if (v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
        throw Error(a, $"expected {what} to be a single integer value or a list of {n} values to match the spatial dims, but got {what}=[{string.Join(", ", v)}]");
    }

    /// <summary>max/avg pooling over the last <paramref name="spatial"/> dims; an empty stride means the kernel size.</summary>
    public static ShapeFunction Pool(int spatial, int kernel, int stride, int padding, int? dilation, int ceilMode) => (a, _) =>
    {
        var x = a.Sizes(0);
        if (x is null) return null;
        if (x.Length != spatial + 1 && x.Length != spatial + 2) throw Error(a, $"expected a {spatial + 1}-D or {spatial + 2}-D input", x);
        var k = Expand(a, a.Ints(kernel), spatial, "kernel_size");
        var stList = a.Ints(stride);
        var st = stList is { Length: 0 } ? k : Expand(a, stList, spatial, "stride");
        var pd = Expand(a, a.Ints(padding), spatial, "padding");
        var dl = dilation is { } di ? Expand(a, a.Ints(di), spatial, "dilation") : Enumerable.Repeat(1L, spatial).ToArray();
        bool? ceil = a.Bool(ceilMode);
        var r = x[..^spatial].ToList();
        for (int i = 0; i < spatial; i++)
        {
            var inDim = x[x.Length - spatial + i];
            if (inDim is not { IsStatic: true } n || k is null || st is null || pd is null || dl is null || ceil is null)
            {
                r.Add(null);
                continue;
            }
            if (pd[i] * 2 > k[i]) throw Error(a, "pad should be at most half of the kernel size", x);
            long span = n.Value + 2 * pd[i] - dl[i] * (k[i] - 1) - 1 + (ceil.Value ? st[i] - 1 : 0);
            long o = (span < 0 ? (span - st[i] + 1) / st[i] : span / st[i]) + 1;
            // As PyTorch's pooling_output_shape: the last window must start inside the input or left padding.
            if (ceil.Value && (o - 1) * st[i] >= n.Value + pd[i]) o--;
            if (o <= 0) throw Error(a, "output size is too small", x);
            r.Add(ShapeSymbol.Static(o));
        }
        return r.ToArray();
    };

    /// <summary>adaptive pooling: the last dims become the output size.</summary>
    public static ShapeFunction AdaptivePool(int spatial, int outputSize) => (a, _) =>
    {
        var x = a.Sizes(0);
        var o = a.SizeList(outputSize);
        if (x is null) return null;
        if (x.Length != spatial + 1 && x.Length != spatial + 2) throw Error(a, $"expected a {spatial + 1}-D or {spatial + 2}-D input", x);
        return [.. x[..^spatial], .. (o ?? new ShapeSymbol?[spatial])];
    };

    /// <summary>constant_pad_nd / pad: pairs (before, after) from the last dim backwards.</summary>
    public static readonly ShapeFunction Pad = (a, _) =>
    {
        var x = a.Sizes(0);
        var p = a.Ints(1);
        if (x is null) return null;
        if (p is null) return new ShapeSymbol?[x.Length];
        if (p.Length % 2 != 0 || p.Length / 2 > x.Length) throw Error(a, $"padding length {p.Length} must be even and at most twice the rank", x);
        for (int i = 0; i < p.Length / 2; i++)
        {
            int d = x.Length - 1 - i;
            x[d] = x[d] is { IsStatic: true } n ? ShapeSymbol.Static(n.Value + p[2 * i] + p[2 * i + 1]) : (p[2 * i] + p[2 * i + 1] == 0 ? x[d] : null);
        }
        return x;
    };

    /// <summary>_native_multi_head_attention: output 0 is the query's shape; output 1 the attention weights.</summary>
    public static readonly ShapeFunction MultiHeadAttention = (a, o) =>
    {
        var q = a.Sizes(0);
        var k = a.Sizes(1);
        if (o == 0) return q;
        if (a.Bool(10) is not { } need || a.Bool(11) is not { } avg || q is null || k is null) return null;
        if (!need) return [ShapeSymbol.Static(0)];
        var heads = Static(a.Int(4));
        bool batched = q.Length == 3;
        var b = batched ? new[] { q[0] } : [];
        return avg ? [.. b, q[^2], k[^2]] : [.. b, heads, q[^2], k[^2]];
    };

    /// <summary>upsample_*2d(self, output_size, scales…): the last two dims become the output size.</summary>
    public static readonly ShapeFunction Upsample2d = AdaptivePool(2, 1);

    /// <summary>aten::index.Tensor: advanced indexing with a list of optional index tensors.</summary>
    public static readonly ShapeFunction AdvancedIndex = (a, _) =>
    {
        var x = a.Sizes(0);
        var items = a[1].Items;
        if (x is null || items is null) return null;
        if (items.Count > x.Length) throw Error(a, $"too many indices ({items.Count}) for a tensor of rank {x.Length}", x);
        ShapeSymbol?[]? bshape = null;
        int firstIdx = -1, lastIdx = -1, count = 0;
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].IsNone) continue;
            var t = items[i].Tensor;
            if (t?.Sizes is null) return null;
            // A bool mask indexes as its nonzero() coordinates: count not known before running.
            if (t.DType is Tensors.DType.Bool or Tensors.DType.UInt8 || t.DType is null) return null;
            bshape = count++ == 0 ? t.Sizes.ToArray() : BroadcastSizes(a.Op, bshape, t.Sizes);
            if (firstIdx < 0) firstIdx = i;
            lastIdx = i;
        }
        if (count == 0 || bshape is null) return x;
        bool contiguous = Enumerable.Range(firstIdx, lastIdx - firstIdx + 1).All(i => !items[i].IsNone);
        if (contiguous) return [.. x[..firstIdx], .. bshape, .. x[(lastIdx + 1)..]];
        // Separated index tensors put the broadcast index dims first.
        var rest = x.Where((_, i) => i >= items.Count || items[i].IsNone).ToList();
        return [.. bshape, .. rest];
    };

    /// <summary>native_batch_norm: the output has the input's shape; the saved mean and invstd are [C] in training, empty in eval.</summary>
    public static readonly ShapeFunction NativeBatchNorm = (a, o) =>
    {
        var x = a.Sizes(0);
        if (o == 0) return x;
        if (a.Bool(5) is not { } training) return [null];
        return training ? [x is { Length: >= 2 } ? x[1] : null] : [ShapeSymbol.Static(0)];
    };

    /// <summary>native_layer_norm: the output has the input's shape; mean and rstd keep the leading dims and 1 for each normalized dim.</summary>
    public static readonly ShapeFunction NativeLayerNorm = (a, o) =>
    {
        var x = a.Sizes(0);
        if (o == 0 || x is null) return x;
        if (a.Ints(1) is not { } ns) return new ShapeSymbol?[x.Length];
        if (ns.Length == 0 || ns.Length > x.Length) throw Error(a, $"normalized_shape has {ns.Length} dims", x);
        return [.. x[..^ns.Length], .. Enumerable.Repeat<ShapeSymbol?>(One, ns.Length)];
    };
}

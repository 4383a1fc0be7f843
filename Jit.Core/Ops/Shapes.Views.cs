using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>view/reshape: the size list, with one -1 inferred from the element count when it is static.</summary>
    public static ShapeFunction View(int self, int size) => (a, _) =>
    {
        var target = a.SizeList(size);
        if (target is null) return null;
        var input = a.Sizes(self);
        int infer = Array.FindIndex(target, t => t == OpArgs.InferDim);
        if (Array.FindLastIndex(target, t => t == OpArgs.InferDim) != infer)
            throw Error(a, "only one dimension can be inferred", target);
        long? inNumel = input is null ? null : Numel(input);
        var known = target.Where((_, i) => i != infer).ToArray();
        long? knownNumel = Numel(known);
        if (infer >= 0)
        {
            target[infer] = null;
            if (inNumel is { } n && knownNumel is { } k)
            {
                if (k == 0 || n % k != 0) throw Error(a, $"shape is invalid for input of size {n}", target, input);
                target[infer] = ShapeSymbol.Static(n / k);
            }
            else if (input is not null && known.Length == input.Length - 1)
            {
                // The one dim no other dim accounts for (reshape(x, [b, -1]) of [b, n]): matched by symbol.
                var rest = input.ToList();
                foreach (var d in known)
                {
                    int j = d is { } s ? rest.FindIndex(x => x == s) : -1;
                    if (j < 0) { rest = null; break; }
                    rest.RemoveAt(j);
                }
                if (rest is { Count: 1 }) target[infer] = rest[0];
            }
        }
        else if (inNumel is { } n && knownNumel is { } k && n != k)
            throw Error(a, $"shape is invalid for input of size {n}", target, input);
        return target;
    };

    /// <summary>flatten(start_dim, end_dim).</summary>
    public static ShapeFunction Flatten(int self, int start, int end) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null || a.Int(start) is not { } st || a.Int(end) is not { } en) return null;
        if (s.Length == 0) return [One];
        long b = a.WrapDim(st, s.Length, self), e = a.WrapDim(en, s.Length, self);
        if (b > e) throw Error(a, "flatten() has invalid args: start_dim cannot come after end_dim", s);
        var mid = s[(int)b..((int)e + 1)];
        ShapeSymbol? m = mid.Length == 1 ? mid[0] : Static(Numel(mid));
        if (m is null && mid.Any(x => x is { IsStatic: true, Value: 0 })) m = ShapeSymbol.Static(0);
        return [.. s[..(int)b], m, .. s[((int)e + 1)..]];
    };

    public static ShapeFunction Permute(int self, int dims) => (a, _) =>
    {
        var s = a.Sizes(self);
        var p = a.Ints(dims);
        if (p is null) return null;
        if (s is null) return new ShapeSymbol?[p.Length];
        if (p.Length != s.Length) throw Error(a, $"number of dims in the permutation ({p.Length}) does not match the rank", s);
        var seen = new bool[s.Length];
        var r = new ShapeSymbol?[s.Length];
        for (int i = 0; i < p.Length; i++)
        {
            long w = a.WrapDim(p[i], s.Length, self);
            if (seen[w]) throw Error(a, "repeated dim in permutation", s);
            seen[w] = true;
            r[i] = s[w];
        }
        return r;
    };

    public static ShapeFunction Transpose(int self, int d0, int d1) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null || a.Int(d0) is not { } x || a.Int(d1) is not { } y) return s is null ? null : new ShapeSymbol?[s.Length];
        if (s.Length == 0) return s;
        long i = a.WrapDim(x, s.Length, self), j = a.WrapDim(y, s.Length, self);
        (s[i], s[j]) = (s[j], s[i]);
        return s;
    };

    /// <summary>t(): transpose of a matrix; vectors and scalars unchanged.</summary>
    public static readonly ShapeFunction MatrixTranspose = (a, _) =>
    {
        var s = a.Sizes(0);
        if (s is null || s.Length < 2) return s;
        if (s.Length > 2) throw Error(a, "t() expects a tensor with <= 2 dimensions", s);
        return [s[1], s[0]];
    };

    public static ShapeFunction Unsqueeze(int self, int dim) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null) return null;
        if (a.Int(dim) is not { } d) return new ShapeSymbol?[s.Length + 1];
        long w = a.WrapDim(d, s.Length + 1, self);
        var l = s.ToList();
        l.Insert((int)w, One);
        return l.ToArray();
    };

    /// <summary>squeeze(dim) when <paramref name="dim"/> is given, else squeeze of every size-1 dim.</summary>
    public static ShapeFunction Squeeze(int self, int? dim) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null) return null;
        if (dim is { } di)
        {
            if (a.Int(di) is not { } d) return null;
            if (s.Length == 0) { a.WrapDim(d, 0, self); return s; }
            long w = a.WrapDim(d, s.Length, self);
            if (s[w] == One) return [.. s[..(int)w], .. s[((int)w + 1)..]];
            return s[w] is { IsStatic: true } ? s : null;
        }
        // A symbolic or unknown dim might be 1, so the rank would not be known.
        if (s.Any(x => x is not { IsStatic: true })) return null;
        return s.Where(x => x != One).ToArray();
    };

    /// <summary>expand(size): new leading dims, -1 keeps a dim, size-1 dims stretch.</summary>
    public static ShapeFunction Expand(int self, int size) => (a, _) =>
    {
        var target = a.SizeList(size);
        var s = a.Sizes(self);
        if (target is null) return null;
        if (s is null) return target.Select(t => t == OpArgs.InferDim ? null : t).ToArray();
        if (target.Length < s.Length)
            throw Error(a, $"the number of sizes provided ({target.Length}) must be greater or equal to the number of dimensions in the tensor ({s.Length})", s);
        int lead = target.Length - s.Length;
        var r = new ShapeSymbol?[target.Length];
        for (int i = 0; i < target.Length; i++)
        {
            var t = target[i];
            if (i < lead)
            {
                if (t == OpArgs.InferDim) throw Error(a, "-1 is not allowed in a leading, non-existing dimension", s, target);
                r[i] = t;
                continue;
            }
            var d = s[i - lead];
            if (t == OpArgs.InferDim) r[i] = d;
            else if (d == One || d == t || t is null) r[i] = t ?? (d is { } dd && dd != One ? d : null);
            else if (d is { IsStatic: true } && t is { IsStatic: true })
                throw Error(a, $"the expanded size ({t}) must match the existing size ({d}) at non-singleton dimension {i}", s, target);
            else r[i] = t;
        }
        return r;
    };

    /// <summary>cat(tensors, dim): sizes along <paramref name="dim"/> add up, the others must agree. 1-D empty tensors are skipped, as PyTorch does.</summary>
    public static ShapeFunction Cat(int list, int dim) => (a, _) =>
    {
        var items = a[list].Items;
        if (a.Int(dim) is not { } d) return null;
        if (items is null)
        {
            // Items unknown (a list grown by appends): every item has the list's element type, so
            // the result has its rank and sizes, but for the concatenated dim.
            if (a[list].Type is not ListType { Element: TensorType { Sizes: { Count: > 0 } es } }) return null;
            var r0 = es.ToArray();
            r0[a.WrapDim(d, r0.Length, null)] = null;
            return r0;
        }
        var shapes = items.Select(i => i.Tensor?.Sizes?.ToArray()).ToList();
        if (shapes.Count == 0) throw Error(a, "expected a non-empty list of tensors");
        if (shapes.Any(x => x is null)) return null;
        var used = shapes.Where(x => !(x!.Length == 1 && x[0] == ShapeSymbol.Static(0))).ToList();
        if (used.Count == 0) return shapes[0];
        int rank = used[0]!.Length;
        if (rank == 0) throw Error(a, "zero-dimensional tensor cannot be concatenated");
        long w = a.WrapDim(d, rank, null);
        var r = (ShapeSymbol?[])used[0]!.Clone();
        for (int k = 1; k < used.Count; k++)
        {
            var s = used[k]!;
            if (s.Length != rank) throw Error(a, "tensors must have the same number of dimensions", used[0], s);
            for (int i = 0; i < rank; i++)
            {
                if (i == w) r[i] = Add(r[i], s[i]);
                else r[i] = Unify(r[i], s[i], () => Error(a, $"sizes of tensors must match except in dimension {w}", used[0], s));
            }
        }
        return r;
    };

    private static ShapeSymbol? Add(ShapeSymbol? x, ShapeSymbol? y) =>
        x is { IsStatic: true } a && y is { IsStatic: true } b ? ShapeSymbol.Static(a.Value + b.Value) : null;

    /// <summary>stack(tensors, dim): equal shapes, a new dim of the list's length.</summary>
    public static ShapeFunction Stack(int list, int dim) => (a, _) =>
    {
        var items = a[list].Items;
        if (items is null || a.Int(dim) is not { } d) return null;
        if (items.Count == 0) throw Error(a, "expected a non-empty list of tensors");
        var shapes = items.Select(i => i.Tensor?.Sizes?.ToArray()).ToList();
        if (shapes.Any(x => x is null)) return null;
        var r = (ShapeSymbol?[])shapes[0]!.Clone();
        foreach (var s in shapes.Skip(1))
        {
            if (s!.Length != r.Length) throw Error(a, "stack expects each tensor to be equal size", shapes[0], s);
            for (int i = 0; i < r.Length; i++)
                r[i] = Unify(r[i], s[i], () => Error(a, "stack expects each tensor to be equal size", shapes[0], s));
        }
        long w = a.WrapDim(d, r.Length + 1, null);
        var l = r.ToList();
        l.Insert((int)w, ShapeSymbol.Static(items.Count));
        return l.ToArray();
    };

    /// <summary>slice(dim, start, end, step) with Python's clamping of start and end.</summary>
    public static ShapeFunction Slice(int self, int dim, int start, int end, int step) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null) return null;
        if (a.Int(dim) is not { } d) return new ShapeSymbol?[s.Length];
        if (s.Length == 0) throw Error(a, "slice() cannot be applied to a 0-dim tensor");
        long w = a.WrapDim(d, s.Length, self);
        if (a.Int(step) is { } st && st <= 0) throw Error(a, "slice step must be positive", s);
        if (s[w] is { IsStatic: true } n && (a.IsNone(start) || a.Int(start) is not null) && (a.IsNone(end) || a.Int(end) is not null) && a.Int(step) is { } stp)
        {
            long b = a.IsNone(start) ? 0 : a.Int(start)!.Value, e = a.IsNone(end) ? long.MaxValue : a.Int(end)!.Value;
            long len = n.Value;
            if (b < 0) b += len;
            if (e < 0) e += len;
            b = Math.Clamp(b, 0, len);
            e = Math.Clamp(e, 0, len);
            s[w] = ShapeSymbol.Static(e <= b ? 0 : (e - b + stp - 1) / stp);
        }
        else if (a.IsNone(start) && a.IsNone(end) && a.Int(step) == 1) { }
        else s[w] = null;
        return s;
    };

    /// <summary>select(dim, index) and unbind(dim): the dim is dropped.</summary>
    public static ShapeFunction DropDim(int self, int dim, int? index = null) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null) return null;
        if (a.Int(dim) is not { } d) return s.Length == 0 ? null : new ShapeSymbol?[s.Length - 1];
        if (s.Length == 0) throw Error(a, "cannot select on a 0-dim tensor");
        long w = a.WrapDim(d, s.Length, self);
        if (index is { } ix && a.Int(ix) is { } i && s[w] is { IsStatic: true } n && (i < -n.Value || i >= n.Value))
            throw Error(a, $"index {i} out of range for dimension {w} of size {n.Value}", s);
        return [.. s[..(int)w], .. s[((int)w + 1)..]];
    };

    /// <summary>One dim replaced by a size computed from the op's arguments (narrow, topk, chunk, split…); null when not known.</summary>
    public static ShapeFunction ReplaceDim(int self, int dim, Func<OpArgs, ShapeSymbol?, ShapeSymbol?> size) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null) return null;
        if (a.Int(dim) is not { } d) return new ShapeSymbol?[s.Length];
        if (s.Length == 0) return s;
        long w = a.WrapDim(d, s.Length, self);
        s[w] = size(a, s[w]);
        return s;
    };

    /// <summary>The sizes of the other tensor argument (expand_as, view_as, gather's index).</summary>
    public static ShapeFunction SizesOf(int arg) => SameAs(arg);

    /// <summary>repeat(repeats): the shape left-padded to the repeats' length, then multiplied.</summary>
    public static readonly ShapeFunction Repeat = (a, _) =>
    {
        var s = a.Sizes(0);
        var rep = a.SizeList(1);
        if (s is null || rep is null) return null;
        if (rep.Length < s.Length) throw Error(a, "number of repeat dims can not be smaller than number of dimensions of tensor", s);
        var padded = Enumerable.Repeat<ShapeSymbol?>(One, rep.Length - s.Length).Concat(s).ToArray();
        return padded.Select((d, i) => Mul(d, rep[i])).ToArray();
    };

    /// <summary>index_select(dim, index): that dim becomes the index's length.</summary>
    public static readonly ShapeFunction IndexSelect = ReplaceDim(0, 1, (a, _) =>
        a.Sizes(2) is { } ix ? (ix.Length == 0 ? One : ix[0]) : null);

    /// <summary>embedding(weight, indices): the indices' shape plus the embedding dim.</summary>
    public static readonly ShapeFunction Embedding = (a, _) =>
    {
        var w = a.Sizes(0);
        var ix = a.Sizes(1);
        if (ix is null) return null;
        if (w is not null && w.Length != 2) throw Error(a, "'weight' must be 2-D", w);
        return [.. ix, w?[1]];
    };

    /// <summary>unflatten(self, dim, sizes): dim is replaced by sizes (one of them may be -1).</summary>
    public static ShapeFunction Unflatten(int self, int dim, int sizes) => (a, _) =>
    {
        var s = a.Sizes(self);
        var parts = a.Ints(sizes);
        if (s is null || parts is null || a.Int(dim) is not { } d) return null;
        if (parts.Length == 0) throw Error(a, "unflatten: sizes must be non-empty", s);
        long w = a.WrapDim(d, s.Length, self);
        var mid = parts.Select(p => p == -1 ? null : (ShapeSymbol?)ShapeSymbol.Static(p)).ToArray();
        // The -1 entry is inferred from the dim's size when that size is known.
        if (s[w] is { IsStatic: true } n && parts.Count(p => p == -1) == 1)
        {
            long known = parts.Where(p => p != -1).Aggregate(1L, (x, y) => x * y);
            if (known != 0 && n.Value % known == 0) mid[Array.IndexOf(parts, -1L)] = ShapeSymbol.Static(n.Value / known);
        }
        return [.. s[..(int)w], .. mid, .. s[((int)w + 1)..]];
    };
}

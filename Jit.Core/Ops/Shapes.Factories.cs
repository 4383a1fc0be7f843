using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>zeros/ones/full/empty/rand(size, …): the size list argument.</summary>
    public static ShapeFunction FromSizeList(int size) => (a, _) =>
    {
        var s = a.SizeList(size);
        if (s is null) return null;
        if (s.Any(d => d == OpArgs.InferDim))
            throw Error(a, "negative dimension -1", s);
        return s;
    };

    /// <summary>arange(start, end, step): ceil((end - start) / step) elements when all are constant.</summary>
    public static ShapeFunction Arange(int? start, int end, int? step) => (a, _) =>
    {
        double? b = start is { } s ? a.Double(s) : 0, e = a.Double(end), st = step is { } p ? a.Double(p) : 1;
        if (b is null || e is null || st is null) return [null];
        if (st == 0) throw Error(a, "step must be nonzero");
        if (!((st > 0 && e >= b) || (st < 0 && e <= b))) throw Error(a, "upper bound and larger bound inconsistent with step sign");
        double n = Math.Ceiling((e.Value - b.Value) / st.Value);
        return [ShapeSymbol.Static((long)n)];
    };

    /// <summary>A 1-D result whose length is only known after running (nonzero's rows, masked_select).</summary>
    public static readonly ShapeFunction DataDependent1d = (_, _) => [null];

    /// <summary>nonzero: [count, rank of input].</summary>
    public static readonly ShapeFunction NonZero = (a, _) => a.Rank(0) is { } r ? [null, ShapeSymbol.Static(r)] : [null, null];

    /// <summary>aten::tensor(data): one dim per nesting level of a visible list.</summary>
    public static readonly ShapeFunction TensorData = (a, _) =>
    {
        var dims = new List<ShapeSymbol?>();
        var v = a[0];
        while (v.Items is { } items)
        {
            dims.Add(ShapeSymbol.Static(items.Count));
            if (items.Count == 0) break;
            v = items[0];
        }
        return a[0].Type is ListType && a[0].Items is null ? null : dims.ToArray();
    };

    /// <summary>keys() of a Dict(Tensor, t): the key type's sizes, when the dict's type records them.</summary>
    public static ShapeFunction DictKeySizes(int dict) => (a, _) => a[dict].Type is DictType { Key: TensorType k } ? k.Sizes?.ToArray() : null;

    /// <summary>eye(n) / eye(n, m): an n×m matrix (m defaults to n).</summary>
    public static ShapeFunction Eye(int n, int? m) => (a, _) =>
    {
        long? rows = a.Int(n), cols = m is { } c ? a.Int(c) : rows;
        if (rows < 0 || cols < 0) throw Error(a, $"n and m must be non-negative, got n={rows}, m={cols}");
        return [Static(rows), Static(cols)];
    };
}

using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>
    /// Reduction over the dims in <paramref name="dimArg"/> (an int, an int list, or None/[] for all
    /// dims), keeping them as size 1 when <paramref name="keepdimArg"/> is true.
    /// </summary>
    public static ShapeFunction Reduce(int self, int? dimArg, int? keepdimArg) => (a, _) =>
    {
        var sizes = a.Sizes(self);
        if (sizes is null) return null;
        bool? keep = keepdimArg is { } k ? a.Bool(k) : false;
        long[]? dims;
        if (dimArg is not { } d || a.IsNone(d)) dims = [];
        else if ((dims = a.Ints(d)) is null) return keep == true ? Enumerable.Repeat<ShapeSymbol?>(null, sizes.Length).ToArray() : null;
        if (keep is null) return null;
        var reduced = new bool[sizes.Length];
        if (dims.Length == 0) Array.Fill(reduced, true);
        foreach (var x in dims)
        {
            long w = a.WrapDim(x, sizes.Length, self);
            if (sizes.Length > 0) reduced[w] = true;
        }
        var r = new List<ShapeSymbol?>();
        for (int i = 0; i < sizes.Length; i++)
        {
            if (!reduced[i]) r.Add(sizes[i]);
            else if (keep.Value) r.Add(One);
        }
        return r.ToArray();
    };

    /// <summary>A full reduction: a 0-dim result (sum(), max(), mean()).</summary>
    public static ShapeFunction ReduceAll(int self) => Reduce(self, null, null);
}

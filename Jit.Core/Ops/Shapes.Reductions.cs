using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>
    /// Reduction over the dims in <paramref name="dimArg"/> (an int, an int list, or None/[] for all
    /// dims), keeping them as size 1 when <paramref name="keepdimArg"/> is true.
    /// </summary>
    /// <remarks><paramref name="needsElements"/>: max/amax/argmax have no identity, so reducing an empty dim is an error.</remarks>
    public static ShapeFunction Reduce(int self, int? dimArg, int? keepdimArg, bool needsElements = false) => (a, _) =>
    {
        var sizes = a.Sizes(self);
        bool? keep = keepdimArg is { } k ? a.Bool(k) : false;
        bool all = dimArg is not { } da || a.IsNone(da) || a.Ints(da) is { Length: 0 };
        // Reducing every dim without keepdim gives a 0-dim tensor whatever the input's rank.
        if (sizes is null) return all && keep == false ? [] : null;
        long[]? dims;
        if (dimArg is not { } d || a.IsNone(d)) dims = [];
        else if ((dims = a.Ints(d)) is null) return keep == true ? Enumerable.Repeat<ShapeSymbol?>(null, sizes.Length).ToArray() : null;
        if (keep is null) return null;
        var reduced = new bool[sizes.Length];
        if (dims.Length == 0) Array.Fill(reduced, true);
        foreach (var x in dims)
        {
            long w = a.WrapDim(x, sizes.Length, self);
            if (sizes.Length == 0) continue;
            if (reduced[w]) throw Error(a, $"dim {w} appears multiple times in the list of dims", sizes);
            reduced[w] = true;
        }
        if (needsElements)
        {
            for (int i = 0; i < sizes.Length; i++)
                if (reduced[i] && sizes[i] is { IsStatic: true, Value: 0 })
                    throw Error(a, dims.Length == 0 ? "cannot reduce an empty tensor over all dims (no identity); specify a dim" : $"expected reduction dim {i} to have non-zero size", sizes);
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
    public static ShapeFunction ReduceAll(int self, bool needsElements = false) => Reduce(self, null, null, needsElements);
}

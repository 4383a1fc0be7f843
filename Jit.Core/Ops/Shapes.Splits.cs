using Jit.Ir;

namespace Jit.Ops;

public static partial class Shapes
{
    /// <summary>In-place and masked ops: the other operand must broadcast to self, whose shape the result keeps.</summary>
    public static ShapeFunction InPlace(int self, int other) => (a, _) =>
    {
        var s = a.Sizes(self);
        if (s is null || a[other].Type is not TensorType { Sizes: { } o }) return s;
        var b = BroadcastSizes(a.Op, s, o);
        if (b is not null && (b.Length != s.Length || b.Where((d, i) => d is { IsStatic: true } x && s[i] is { IsStatic: true } y && x != y).Any()))
            throw Error(a, "output with shape " + ShapeText.Format(s) + " doesn't match the broadcast shape " + ShapeText.Format(b), s, o.ToArray());
        return s;
    };

    /// <summary>topk(self, k, dim): the dim becomes k.</summary>
    public static readonly ShapeFunction TopK = ReplaceDim(0, 2, (a, n) =>
    {
        if (a.Int(1) is not { } k) return null;
        if (n is { IsStatic: true } size && (k < 0 || k > size.Value)) throw Error(a, $"k ({k}) out of range for dimension of size {size.Value}", a.Sizes(0));
        return ShapeSymbol.Static(k);
    });

    /// <summary>chunk(self, chunks, dim): each piece's dim when all pieces are equal (the size divides evenly), else unknown.</summary>
    public static readonly ShapeFunction Chunk = ReplaceDim(0, 2, (a, n) =>
    {
        if (a.Int(1) is not { } chunks) return null;
        if (chunks <= 0) throw Error(a, "chunk expects `chunks` to be greater than 0", a.Sizes(0));
        if (n is not { IsStatic: true } size) return null;
        long each = (size.Value + chunks - 1) / chunks;
        return each == 0 || size.Value % each == 0 ? ShapeSymbol.Static(each) : null;
    });

    /// <summary>split(self, split_size, dim): the split size when it divides the dim, else unknown (the last piece is shorter).</summary>
    public static readonly ShapeFunction SplitBySize = ReplaceDim(0, 2, (a, n) =>
    {
        if (a.Int(1) is not { } k) return null;
        if (k < 0) throw Error(a, "split expects split_size be non-negative", a.Sizes(0));
        return n is { IsStatic: true } size && (k == 0 ? size.Value == 0 : size.Value % k == 0 || size.Value <= k)
            ? ShapeSymbol.Static(Math.Min(k, size.Value)) : null;
    });

    /// <summary>split_with_sizes(self, sizes, dim): the sizes must add up to the dim; the element dim is known when they are all equal.</summary>
    public static readonly ShapeFunction SplitBySizes = ReplaceDim(0, 2, (a, n) =>
    {
        if (a.Ints(1) is not { } sizes) return null;
        if (n is { IsStatic: true } size && sizes.Sum() != size.Value)
            throw Error(a, $"split_with_sizes expects split_sizes to sum exactly to {size.Value} (input tensor's size at the dimension), but got [{string.Join(", ", sizes)}]", a.Sizes(0));
        return sizes.Length > 0 && sizes.All(x => x == sizes[0]) ? ShapeSymbol.Static(sizes[0]) : null;
    });

    /// <summary>narrow(self, dim, start, length): the dim becomes length.</summary>
    public static readonly ShapeFunction Narrow = ReplaceDim(0, 1, (a, n) =>
    {
        if (a.Int(3) is not { } len) return null;
        if (len < 0) throw Error(a, "narrow(): length must be non-negative", a.Sizes(0));
        if (n is { IsStatic: true } size && a.Int(2) is { } st)
        {
            long start = st < 0 ? st + size.Value : st;
            if (start < 0 || start + len > size.Value) throw Error(a, $"start ({st}) + length ({len}) exceeds dimension size ({size.Value})", a.Sizes(0));
        }
        return ShapeSymbol.Static(len);
    });
}

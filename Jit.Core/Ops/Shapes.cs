using Jit.Errors;
using Jit.Ir;

namespace Jit.Ops;

/// <summary>
/// Shape functions for the op table. Dims are static, symbolic or unknown (null) throughout, so
/// the same function serves complete shapes and symbolic shape analysis: a symbol meets a size-1
/// dim and passes through broadcasting, reductions drop dims, views compute sizes from constant
/// arguments and leave unknown what is not.
/// </summary>
public static partial class Shapes
{
    private static readonly ShapeSymbol One = ShapeSymbol.Static(1);

    /// <summary>The sizes of argument <paramref name="arg"/> unchanged (elementwise unary, norms, softmax, casts).</summary>
    public static ShapeFunction SameAs(int arg) => (a, _) => a.Sizes(arg);

    /// <summary>A 0-dim result.</summary>
    public static readonly ShapeFunction Scalar = (_, _) => [];

    /// <summary>Broadcast of the tensor arguments among <paramref name="args"/> (numbers take no part).</summary>
    public static ShapeFunction Broadcast(params int[] args) => (a, _) =>
    {
        ShapeSymbol?[]? acc = null;
        bool first = true;
        foreach (var i in args)
        {
            if (a[i].Type is not TensorType t) continue;
            var s = t.Sizes?.ToArray();
            acc = first ? s : BroadcastSizes(a.Op, acc, s);
            first = false;
            if (acc is null) return null;
        }
        return first ? [] : acc;
    };

    /// <summary>NumPy broadcasting of two shapes; null if either rank is unknown.</summary>
    public static ShapeSymbol?[]? BroadcastSizes(string op, IReadOnlyList<ShapeSymbol?>? x, IReadOnlyList<ShapeSymbol?>? y)
    {
        if (x is null || y is null) return null;
        int n = Math.Max(x.Count, y.Count);
        var r = new ShapeSymbol?[n];
        for (int i = 0; i < n; i++)
        {
            int ix = x.Count - n + i, iy = y.Count - n + i;
            var dx = ix >= 0 ? x[ix] : One;
            var dy = iy >= 0 ? y[iy] : One;
            r[i] = BroadcastDim(dx, dy, () => new JitShapeException(
                $"{op}: shapes {ShapeText.Format(x)} and {ShapeText.Format(y)} cannot be broadcast (dim {i})"));
        }
        return r;
    }

    private static ShapeSymbol? BroadcastDim(ShapeSymbol? x, ShapeSymbol? y, Func<JitShapeException> error)
    {
        if (x == One) return y;
        if (y == One) return x;
        if (x is { } a && y is { } b)
        {
            if (a == b) return a;
            if (a.IsStatic && b.IsStatic) throw error();
            // A symbol against a static size k != 1 can only be 1 or k; either way the result is k.
            if (a.IsStatic) return a;
            if (b.IsStatic) return b;
            return null;
        }
        // Unknown against a static size other than 1 is that size, as above.
        if (x is { IsStatic: true }) return x;
        if (y is { IsStatic: true }) return y;
        return null;
    }

    /// <summary>Two dims that must be equal (matmul's inner dim, cat's other dims): the better-known one, or an error if both static and different.</summary>
    internal static ShapeSymbol? Unify(ShapeSymbol? x, ShapeSymbol? y, Func<JitShapeException> error)
    {
        if (x is { } a && y is { } b)
        {
            if (a == b) return a;
            if (a.IsStatic && b.IsStatic) throw error();
            return a.IsStatic ? a : b.IsStatic ? b : a;
        }
        return x ?? y;
    }

    internal static ShapeSymbol? Mul(ShapeSymbol? x, ShapeSymbol? y) =>
        x is { IsStatic: true } a && y is { IsStatic: true } b ? ShapeSymbol.Static(a.Value * b.Value)
        : x == One ? y : y == One ? x
        : x is { IsStatic: true, Value: 0 } || y is { IsStatic: true, Value: 0 } ? ShapeSymbol.Static(0) : null;

    internal static ShapeSymbol? Static(long? v) => v is { } x ? ShapeSymbol.Static(x) : null;

    /// <summary>The product of dims, when all are static.</summary>
    internal static long? Numel(IReadOnlyList<ShapeSymbol?> dims)
    {
        long p = 1;
        foreach (var d in dims)
        {
            if (d is not { IsStatic: true } s) return null;
            p *= s.Value;
        }
        return p;
    }

    internal static JitShapeException Error(OpArgs a, string what, params ShapeSymbol?[]?[] shapes) =>
        new($"{a.Op}: {what}" + (shapes.Length > 0 ? " (shapes " + string.Join(" and ", shapes.Select(ShapeText.Format)) + ")" : ""));
}

using Jit.Ir;

namespace Jit.Ops;

/// <summary>Shapes in error messages: <c>[2, SS(-1), *]</c>, or <c>[*]</c> for unknown rank.</summary>
internal static class ShapeText
{
    public static string Format(IReadOnlyList<ShapeSymbol?>? sizes) =>
        sizes is null ? "[*]" : "[" + string.Join(", ", sizes.Select(s => s is { } v ? v.ToString() : "*")) + "]";
}

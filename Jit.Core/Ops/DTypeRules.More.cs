using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Ops;

public static partial class DTypeRules
{
    /// <summary>div with rounding_mode: None is true division; "trunc"/"floor" keep the promoted type.</summary>
    public static DTypeRule DivMode(int self, int other, int mode) => (a, o) =>
    {
        if (a.IsNone(mode)) return ToFloat(ResultType(a, [self, other]));
        return a.String(mode) is null ? null : ResultType(a, [self, other]);
    };

    /// <summary>GEMM and convolution: every tensor operand has the same dtype (no promotion), as PyTorch requires.</summary>
    public static DTypeRule SameDTypes(params int[] args) => (a, _) =>
    {
        DType? t = null;
        foreach (var i in args)
        {
            if (a.IsNone(i)) continue;
            if (a.DTypeOf(i) is not { } d) return null;
            if (t is { } prev && prev != d)
                throw new JitTypeException($"{a.Op}: expected operands of the same dtype but got {prev.PythonName()} and {d.PythonName()}");
            t = d;
        }
        return t;
    };

    /// <summary>cat/stack: the promotion of the list's tensors.</summary>
    public static DTypeRule PromoteList(int list) => (a, _) =>
    {
        var items = a[list].Items;
        if (items is null) return a[list].Type is ListType { Element: TensorType { DType: { } e } } ? e : null;
        DType? t = null;
        foreach (var it in items)
        {
            if (it.Tensor?.DType is not { } d) return null;
            t = t is { } p ? TypePromotion.Promote(p, d) : d;
        }
        return t;
    };

    /// <summary>any/all: bool, except that uint8 inputs give uint8 (kept for backward compatibility in PyTorch).</summary>
    public static DTypeRule AnyAll(int self) => (a, _) => a.DTypeOf(self) is { } t ? (t == DType.UInt8 ? DType.UInt8 : DType.Bool) : null;

    /// <summary>arange without a dtype: int64 if every bound is an int, else the default float.</summary>
    public static DTypeRule ArangeDType(params int[] args) => (a, _) =>
    {
        bool anyFloat = false;
        foreach (var i in args)
        {
            if (ScalarKind(a, i) is not { } k) return null;
            anyFloat |= k.IsFloat;
        }
        return anyFloat ? DType.Float32 : DType.Int64;
    };

    /// <summary>aten::tensor(list) without a dtype: from the (innermost) element type.</summary>
    public static DTypeRule ListData(int arg) => (a, _) =>
    {
        var t = a[arg].Type;
        while (t is ListType l) t = l.Element;
        return t switch
        {
            FloatType => DType.Float32,
            IntType => DType.Int64,
            BoolType => DType.Bool,
            _ => null,
        };
    };

    /// <summary>keys() of a Dict(Tensor, t): the key type's dtype, when the dict's type records it.</summary>
    public static DTypeRule DictKeyDType(int dict) => (a, _) => a[dict].Type is DictType { Key: TensorType k } ? k.DType : null;
}

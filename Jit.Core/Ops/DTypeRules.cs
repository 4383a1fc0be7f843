using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Ops;

/// <summary>
/// The dtype rules the op table uses. Each wraps <see cref="TypePromotion"/>; none re-derives the
/// promotion lattice.
/// </summary>
public static partial class DTypeRules
{
    /// <summary>PyTorch's <c>result_type</c> over the given arguments (tensors by rank, scalars as Python numbers).</summary>
    public static DTypeRule Promote(params int[] args) => (a, _) => ResultType(a, args);

    /// <summary>As <see cref="Promote"/>, then integral and bool results become the default float (true division, sqrt…).</summary>
    public static DTypeRule PromoteToFloat(params int[] args) => (a, _) => ToFloat(ResultType(a, args));

    /// <summary>Comparisons and logical ops: always bool (the operands must still promote).</summary>
    public static DTypeRule Compare(params int[] args) => (a, _) => ResultType(a, args) is null ? null : DType.Bool;

    /// <summary>The dtype of argument <paramref name="arg"/>.</summary>
    public static DTypeRule SameDType(int arg) => (a, _) => a.DTypeOf(arg);

    /// <summary>Unary float math (exp, sigmoid, sqrt…): integral and bool inputs give the default float.</summary>
    public static DTypeRule FloatOf(int arg) => (a, _) => ToFloat(a.DTypeOf(arg));

    /// <summary>A fixed dtype (indices: int64).</summary>
    public static DTypeRule Fixed(DType t) => (_, _) => t;

    /// <summary>The dtype a ScalarType argument names, or <paramref name="fallback"/> when it is None.</summary>
    public static DTypeRule DTypeArgOr(int dtypeArg, DTypeRule fallback) => (a, o) =>
        a.IsNone(dtypeArg) ? fallback(a, o) : a.ScalarTypeArg(dtypeArg);

    /// <summary>Per output: values keep the input dtype, indices are int64 (max.dim, topk, sort).</summary>
    public static DTypeRule ValuesAndIndices(int arg) => (a, o) => o == 0 ? a.DTypeOf(arg) : DType.Int64;

    /// <summary>sum/prod/cumsum: integral and bool inputs accumulate in int64 unless a dtype is given.</summary>
    public static DTypeRule SumLike(int self, int dtypeArg) => DTypeArgOr(dtypeArg, (a, _) =>
        a.DTypeOf(self) is { } t ? (t.IsIntegral(includeBool: true) ? DType.Int64 : t) : null);

    /// <summary>mean and friends: floating inputs only, unless a floating dtype is given.</summary>
    public static DTypeRule FloatingOnly(int self, int? dtypeArg = null) => (a, _) =>
    {
        var t = dtypeArg is { } d && !a.IsNone(d) ? a.ScalarTypeArg(d) : a.DTypeOf(self);
        if (t is { } v && !v.IsFloatingPoint())
            throw new JitTypeException($"{a.Op}: could not infer output dtype; input dtype must be floating point but got {v.PythonName()}");
        return t;
    };

    /// <summary>Integral or bool inputs only (bitwise ops), promoted.</summary>
    public static DTypeRule IntegralPromote(params int[] args) => (a, _) =>
    {
        var t = ResultType(a, args);
        if (t is { } v && v.IsFloatingPoint())
            throw new JitTypeException($"{a.Op}: bitwise ops are only defined for integral and bool dtypes, got {v.PythonName()}");
        return t;
    };

    /// <summary>Subtraction, negation and relu reject bool tensors, as PyTorch does (a Python bool operand is fine).</summary>
    public static DTypeRule NoBool(DTypeRule inner, params int[] args) => (a, o) =>
    {
        foreach (var i in args)
        {
            if (a.DTypeOf(i) == DType.Bool)
                throw new JitTypeException($"{a.Op}: not supported for bool tensors; use logical ops instead");
        }
        return inner(a, o);
    };

    /// <summary>hardtanh(self, min_val, max_val): not for bool, nor for unsigned inputs with a negative limit.</summary>
    public static DTypeRule HardTanh => (a, o) =>
    {
        var t = a.DTypeOf(0);
        if (t == DType.Bool) throw new JitTypeException($"{a.Op}: bool inputs are not supported");
        if (t == DType.UInt8 && (a.Double(1) < 0 || a.Double(2) < 0))
            throw new JitTypeException($"{a.Op}: cannot do hardtanh on an unsigned type with negative limits");
        return t;
    };

    /// <summary>Factories (zeros, full, arange…): the dtype argument, else what the rule for the fill value says.</summary>
    public static DTypeRule Factory(int dtypeArg, DTypeRule whenNone) => DTypeArgOr(dtypeArg, whenNone);

    /// <summary>The default float dtype (float32).</summary>
    public static readonly DTypeRule DefaultFloat = Fixed(DType.Float32);

    /// <summary>The dtype a Python number becomes as a tensor (<c>torch.tensor(1)</c>: int64, 1.0: float32, True: bool).</summary>
    public static DTypeRule ScalarValue(int arg) => (a, _) => ScalarKind(a, arg) switch
    {
        (true, _) => DType.Float32,
        (false, true) => DType.Bool,
        (false, false) => DType.Int64,
        null => null,
    };

    /// <summary>As prim::NumToTensor: int → int64, float → float64 (not the default dtype), bool → bool.</summary>
    public static DTypeRule NumToTensor(int arg) => (a, _) => ScalarKind(a, arg) switch
    {
        (true, _) => DType.Float64,
        (false, true) => DType.Bool,
        (false, false) => DType.Int64,
        null => null,
    };

    public static DType? ToFloat(DType? t) => t is { } v && v.IsIntegral(includeBool: true) ? DType.Float32 : t;

    /// <summary>
    /// <c>result_type</c> over tensors and scalars. A tensor of unknown rank is tried both as 0-dim
    /// and as n-dim; the answer is given only if both agree.
    /// </summary>
    public static DType? ResultType(OpArgs a, IReadOnlyList<int> args)
    {
        int unknownRank = 0;
        foreach (var i in args)
        {
            var v = a[i];
            if (v.IsNone) continue;
            if (v.Type is TensorType t)
            {
                if (t.DType is null) return null;
                if (t.Rank is null) unknownRank++;
            }
            else if (ScalarKind(a, i) is null) return null;
        }
        if (unknownRank > 4) return null;
        DType? answer = null;
        for (int mask = 0; mask < 1 << unknownRank; mask++)
        {
            var s = new TypePromotion.State();
            int k = 0;
            foreach (var i in args)
            {
                var v = a[i];
                if (v.IsNone) continue;
                if (v.Type is TensorType t)
                {
                    int rank = t.Rank ?? (((mask >> k++) & 1) == 0 ? 0 : 1);
                    s.AddTensor(t.DType!.Value, rank);
                }
                else
                {
                    var (isFloat, isBool) = ScalarKind(a, i)!.Value;
                    s.AddScalar(isFloat, isBool);
                }
            }
            var r = s.Result();
            if (answer is { } prev && prev != r) return null;
            answer = r;
        }
        return answer;
    }

    /// <summary>(is float, is bool) of a number argument: from its constant, else from its static type; null if unknown (a bare Scalar).</summary>
    public static (bool IsFloat, bool IsBool)? ScalarKind(OpArgs a, int i)
    {
        var v = a[i];
        if (v.Constant is { } c && c.IsScalar) return (c.IsDouble, c.IsBool);
        return v.Type switch
        {
            FloatType => (true, false),
            IntType => (false, false),
            BoolType => (false, true),
            _ => null,
        };
    }
}

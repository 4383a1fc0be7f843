using Jit.Tensors;

namespace Jit.Ops;

/// <summary>
/// PyTorch's dtype promotion (<c>c10::promoteTypes</c> and <c>at::native::result_type</c>): the one
/// place the rule lives. Tensors with dims outrank 0-dim tensors, which outrank Python scalars,
/// except that a higher category (bool &lt; integral &lt; floating) always wins.
/// </summary>
public static class TypePromotion
{
    /// <summary>The dtype both operands convert to (<c>torch.promote_types</c>).</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Bool) return b;
        if (b == DType.Bool) return a;
        bool fa = a.IsFloatingPoint(), fb = b.IsFloatingPoint();
        if (fa && fb)
        {
            if ((a, b) is (DType.Float16, DType.BFloat16) or (DType.BFloat16, DType.Float16)) return DType.Float32;
            return Rank(a) >= Rank(b) ? a : b;
        }
        if (fa) return a;
        if (fb) return b;
        // Both integral.
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            var other = a == DType.UInt8 ? b : a;
            return other == DType.Int8 ? DType.Int16 : other;
        }
        return a.ElementSize() >= b.ElementSize() ? a : b;
    }

    private static int Rank(DType t) => t switch
    {
        DType.Float16 or DType.BFloat16 => 1,
        DType.Float32 => 2,
        DType.Float64 => 3,
        _ => 0,
    };

    /// <summary>The dtype a Python scalar has when it takes part in promotion (float → the default dtype, float32).</summary>
    public static DType ScalarDType(bool isFloat, bool isBool) => isBool ? DType.Bool : isFloat ? DType.Float32 : DType.Int64;

    /// <summary>Accumulates operands as <c>at::native::update_result_type_state</c> does.</summary>
    public struct State
    {
        private DType? _dim, _zero, _wrapped;

        /// <summary>A tensor operand; rank 0 tensors count at the lower priority.</summary>
        public void AddTensor(DType dtype, int rank)
        {
            if (rank > 0) _dim = _dim is { } d ? Promote(d, dtype) : dtype;
            else _zero = _zero is { } z ? Promote(z, dtype) : dtype;
        }

        /// <summary>A Python number (int, float or bool) operand.</summary>
        public void AddScalar(bool isFloat, bool isBool = false)
        {
            var t = ScalarDType(isFloat, isBool);
            _wrapped = _wrapped is { } w ? Promote(w, t) : t;
        }

        public readonly DType Result() =>
            Combine(_dim, Combine(_zero, _wrapped)) ?? DType.Float32;

        private static DType? Combine(DType? higher, DType? lower)
        {
            if (higher is null) return lower;
            if (lower is null) return higher;
            if (higher.Value.IsFloatingPoint()) return higher;
            if (higher == DType.Bool || lower.Value.IsFloatingPoint()) return Promote(higher.Value, lower.Value);
            return higher;
        }
    }

    /// <summary>Result dtype of an op over tensors (dtype, rank) and Python scalars.</summary>
    public static DType ResultType(ReadOnlySpan<(DType DType, int Rank)> tensors, ReadOnlySpan<(bool IsFloat, bool IsBool)> scalars = default)
    {
        var s = new State();
        foreach (var (d, r) in tensors) s.AddTensor(d, r);
        foreach (var (f, b) in scalars) s.AddScalar(f, b);
        return s.Result();
    }

    /// <summary>Whether <paramref name="from"/> may be written into an output of <paramref name="to"/> (<c>c10::canCast</c>).</summary>
    public static bool CanCast(DType from, DType to)
    {
        if (from.IsFloatingPoint() && to.IsIntegral(includeBool: true)) return false;
        if (from != DType.Bool && to == DType.Bool) return false;
        return true;
    }
}

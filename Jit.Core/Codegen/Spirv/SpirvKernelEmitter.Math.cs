using Jit.Errors;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen.Spirv;

// Intrinsics and the helpers CStyleHelpers writes as C functions, written out inline with the
// same rules (ScalarMath's): GLSL.std.450 where its instruction is the operation itself.
internal sealed partial class SpirvKernelEmitter
{
    private uint Call(CallExpr c)
    {
        var t = c.Args[0].DType;
        if (c.Fn == Intrinsic.IsNan) return t.IsFloatingPoint() ? _m.Result(SpirvOp.IsNan, Bool, E(c.Args[0])) : _m.ConstantBool(false);
        var args = c.Args.Select(E).ToArray();
        uint ty = Ty(t), a = args[0];
        if (t.IsFloatingPoint()) return FloatCall(c.Fn, t, ty, args);
        if (t == DType.Bool)
        {
            // As C computes on 0/1 bytes: in int, wrapped back to bool.
            var wide = args.Select(x => Cast(x, DType.Bool, DType.Int32)).ToArray();
            return Cast(IntCall(c.Fn, DType.Int32, Ty(DType.Int32), wide), DType.Int32, DType.Bool);
        }
        return IntCall(c.Fn, t, ty, args);
    }

    private uint IntCall(Intrinsic fn, DType t, uint ty, uint[] args)
    {
        uint a = args[0];
        return fn switch
        {
            Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc => a,
            Intrinsic.Abs => _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.SLessThan, Bool, a, Const(t, 0)), _m.Result(SpirvOp.SNegate, ty, a), a),
            Intrinsic.Fmod => IntMod(t, a, args[1]),
            Intrinsic.Remainder => IntRemainder(t, a, args[1]),
            Intrinsic.FloorDiv => IntFloorDiv(t, a, args[1]),
            Intrinsic.Pow => IntPow(t, a, args[1]),
            _ => throw new JitIrException($"{fn} is not defined on {t.PythonName()}"),
        };
    }

    private uint FloatCall(Intrinsic fn, DType t, uint ty, uint[] args)
    {
        uint a = args[0];
        uint Std(uint instruction) => _m.Glsl(ty, instruction, args);
        // GLSL.std.450's transcendental instructions take 16- and 32-bit floats only.
        uint Std32(uint instruction) => t == DType.Float32 ? Std(instruction)
            : throw new JitIrException($"{fn} on float64 is not supported by the SPIR-V renderer yet (GLSL.std.450 computes it in 32-bit floats only)");
        return fn switch
        {
            Intrinsic.Abs => Std(Glsl.FAbs),
            Intrinsic.Floor => Std(Glsl.Floor),
            Intrinsic.Ceil => Std(Glsl.Ceil),
            Intrinsic.Round => RoundHalfEven(t, a),
            Intrinsic.Trunc => Std(Glsl.Trunc),
            Intrinsic.Sqrt => OutsideDomain(t, a, Std(Glsl.Sqrt), zero: null),
            Intrinsic.Rsqrt => OutsideDomain(t, a, Std(Glsl.InverseSqrt), zero: double.PositiveInfinity),
            Intrinsic.Fmod => Exact(SpirvOp.FRem, ty, a, args[1]),
            Intrinsic.Remainder => FloatRemainder(t, a, args[1]),
            Intrinsic.FloorDiv => FloatFloorDiv(t, a, args[1]),
            Intrinsic.Exp => Std32(Glsl.Exp),
            Intrinsic.Exp2 => Std32(Glsl.Exp2),
            Intrinsic.Log => OutsideDomain(t, a, Std32(Glsl.Log), zero: double.NegativeInfinity),
            Intrinsic.Log2 => OutsideDomain(t, a, Std32(Glsl.Log2), zero: double.NegativeInfinity),
            Intrinsic.Sin => Std32(Glsl.Sin),
            Intrinsic.Cos => Std32(Glsl.Cos),
            Intrinsic.Tan => Std32(Glsl.Tan),
            Intrinsic.Asin => UnitDomain(t, a, Std32(Glsl.Asin)),
            Intrinsic.Acos => UnitDomain(t, a, Std32(Glsl.Acos)),
            Intrinsic.Atan => Std32(Glsl.Atan),
            Intrinsic.Sinh => Std32(Glsl.Sinh),
            Intrinsic.Cosh => Std32(Glsl.Cosh),
            Intrinsic.Tanh => Std32(Glsl.Tanh),
            Intrinsic.Pow => FloatPow(t, a, args[1]),
            Intrinsic.Atan2 => Std32(Glsl.Atan2),
            Intrinsic.Log10 => OutsideDomain(t, a, Exact(SpirvOp.FMul, ty, Std32(Glsl.Log2), Const(t, 0.30102999566398119521)), zero: double.NegativeInfinity),
            Intrinsic.Sigmoid => Exact(SpirvOp.FDiv, ty, Const(t, 1), Exact(SpirvOp.FAdd, ty, Const(t, 1), Exp(t, _m.Result(SpirvOp.FNegate, ty, a)))),
            Intrinsic.Log1p => Log1p(t, a),
            Intrinsic.Expm1 => Expm1(t, a),
            Intrinsic.Erf => Erf(t, a, complement: false),
            Intrinsic.Erfc => Erf(t, a, complement: true),
            _ => throw new JitIrException($"{fn} is not defined on {t.PythonName()}"),
        };
    }

    // Round half to even written out from Floor, exactly: lavapipe (Mesa 22.3, LLVM 15) rounds
    // float64 halves toward zero in RoundEven (3.5 -> 3). Below the floor's half, the floor;
    // above, the next integer; at the half, whichever is even. NaN and infinities come out as
    // themselves (x - floor(x) is NaN for them, and every comparison is false).
    private uint RoundHalfEven(DType t, uint x)
    {
        uint ty = Ty(t);
        uint floor = _m.Glsl(ty, Glsl.Floor, x);
        uint up = Exact(SpirvOp.FAdd, ty, floor, Const(t, 1));
        uint fraction = Exact(SpirvOp.FSub, ty, x, floor);
        uint halfFloor = _m.Glsl(ty, Glsl.Floor, Exact(SpirvOp.FMul, ty, floor, Const(t, 0.5)));
        uint even = _m.Result(SpirvOp.FOrdEqual, Bool, Exact(SpirvOp.FMul, ty, halfFloor, Const(t, 2)), floor);
        uint atHalf = _m.Result(SpirvOp.Select, ty, even, floor, up);
        uint belowOrHalf = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdLessThan, Bool, fraction, Const(t, 0.5)), floor, atHalf);
        return _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdGreaterThan, Bool, fraction, Const(t, 0.5)), up, belowOrHalf);
    }

    // GLSL leaves log, sqrt and inversesqrt undefined below 0 (and log, inversesqrt at 0): C's NaN
    // below 0, and its value at 0 where zero is given.
    private uint OutsideDomain(DType t, uint x, uint value, double? zero)
    {
        if (zero is { } z) value = _m.Result(SpirvOp.Select, Ty(t), _m.Result(SpirvOp.FOrdEqual, Bool, x, Const(t, 0)), Const(t, z), value);
        return _m.Result(SpirvOp.Select, Ty(t), _m.Result(SpirvOp.FOrdLessThan, Bool, x, Const(t, 0)), Const(t, double.NaN), value);
    }

    // asin and acos are undefined beyond [-1, 1] in GLSL, NaN in C.
    private uint UnitDomain(DType t, uint x, uint value) =>
        _m.Result(SpirvOp.Select, Ty(t), _m.Result(SpirvOp.FOrdGreaterThan, Bool, _m.Glsl(Ty(t), Glsl.FAbs, x), Const(t, 1)), Const(t, double.NaN), value);

    // C's pow: GLSL's Pow is undefined for x < 0 and for x = 0, so it is taken of |x| and the
    // sign, zero and NaN cases are written out (an odd integer exponent keeps x's sign; a
    // negative base with a non-integer exponent is NaN; x^0 = 1^y = 1).
    private uint FloatPow(DType t, uint x, uint y)
    {
        if (t != DType.Float32) throw new JitIrException("Pow on float64 is not supported by the SPIR-V renderer yet (GLSL.std.450 computes it in 32-bit floats only)");
        uint ty = Ty(t), bits = _m.TypeInt(32, true);
        uint ax = _m.Glsl(ty, Glsl.FAbs, x);
        uint magnitude = _m.Glsl(ty, Glsl.Pow, ax, y);
        uint zeroPower = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdGreaterThan, Bool, y, Const(t, 0)), Const(t, 0),
            _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdLessThan, Bool, y, Const(t, 0)), Const(t, double.PositiveInfinity), Const(t, 1)));
        magnitude = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdEqual, Bool, ax, Const(t, 0)), zeroPower, magnitude);
        uint integral = _m.Result(SpirvOp.FOrdEqual, Bool, _m.Glsl(ty, Glsl.Trunc, y), y);
        uint odd = _m.Result(SpirvOp.LogicalAnd, Bool, integral,
            _m.Result(SpirvOp.FOrdNotEqual, Bool, Exact(SpirvOp.FRem, ty, y, Const(t, 2)), Const(t, 0)));
        uint negativeSign = _m.Result(SpirvOp.SLessThan, Bool, _m.Result(SpirvOp.Bitcast, bits, x), _m.ConstantInt(bits, 32, 0));
        uint signed = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.LogicalAnd, Bool, negativeSign, odd), _m.Result(SpirvOp.FNegate, ty, magnitude), magnitude);
        uint undefined = _m.Result(SpirvOp.LogicalAnd, Bool, _m.Result(SpirvOp.FOrdLessThan, Bool, x, Const(t, 0)), _m.Result(SpirvOp.LogicalNot, Bool, integral));
        signed = _m.Result(SpirvOp.Select, ty, undefined, Const(t, double.NaN), signed);
        uint one = _m.Result(SpirvOp.LogicalOr, Bool, _m.Result(SpirvOp.FOrdEqual, Bool, y, Const(t, 0)), _m.Result(SpirvOp.FOrdEqual, Bool, x, Const(t, 1)));
        return _m.Result(SpirvOp.Select, ty, one, Const(t, 1), signed);
    }

    private uint Exp(DType t, uint x) => t == DType.Float32 ? _m.Glsl(Ty(t), Glsl.Exp, x)
        : throw new JitIrException("exp on float64 is not supported by the SPIR-V renderer yet (GLSL.std.450 computes it in 32-bit floats only)");

    private uint Log(DType t, uint x) => t == DType.Float32 ? OutsideDomain(t, x, _m.Glsl(Ty(t), Glsl.Log, x), zero: double.NegativeInfinity)
        : throw new JitIrException("log on float64 is not supported by the SPIR-V renderer yet (GLSL.std.450 computes it in 32-bit floats only)");

    private uint F(SpirvOp op, DType t, uint x, uint y) => Exact(op, Ty(t), x, y);

    private uint Small(DType t, uint x, double limit) =>
        _m.Result(SpirvOp.FOrdLessThan, Bool, _m.Glsl(Ty(t), Glsl.FAbs, x), Const(t, limit));

    // log(1 + x); x - x^2/2 near 0, where 1 + x would lose x's digits.
    private uint Log1p(DType t, uint x)
    {
        uint series = F(SpirvOp.FSub, t, x, F(SpirvOp.FMul, t, F(SpirvOp.FMul, t, x, x), Const(t, 0.5)));
        uint direct = Log(t, F(SpirvOp.FAdd, t, Const(t, 1), x));
        return _m.Result(SpirvOp.Select, Ty(t), Small(t, x, 1e-4), series, direct);
    }

    // exp(x) - 1; x + x^2/2 near 0.
    private uint Expm1(DType t, uint x)
    {
        uint series = F(SpirvOp.FAdd, t, x, F(SpirvOp.FMul, t, F(SpirvOp.FMul, t, x, x), Const(t, 0.5)));
        uint direct = F(SpirvOp.FSub, t, Exp(t, x), Const(t, 1));
        return _m.Result(SpirvOp.Select, Ty(t), Small(t, x, 1e-5), series, direct);
    }

    // erf by its Maclaurin series below 0.5 (relative accuracy near 0) and Abramowitz-Stegun
    // 7.1.26 above (absolute error 1.5e-7); erfc as 1 - erf near 0, the A-S tail beyond.
    private uint Erf(DType t, uint x, bool complement)
    {
        uint ty = Ty(t);
        uint x2 = F(SpirvOp.FMul, t, x, x);
        double[] series = [1.0, -1.0 / 3, 1.0 / 10, -1.0 / 42, 1.0 / 216, -1.0 / 1320, 1.0 / 9360];
        uint s = Const(t, series[^1]);
        for (int k = series.Length - 2; k >= 0; k--) s = F(SpirvOp.FAdd, t, F(SpirvOp.FMul, t, s, x2), Const(t, series[k]));
        uint near = F(SpirvOp.FMul, t, F(SpirvOp.FMul, t, s, x), Const(t, 1.1283791670955126));
        uint ax = _m.Glsl(ty, Glsl.FAbs, x);
        uint u = F(SpirvOp.FDiv, t, Const(t, 1), F(SpirvOp.FAdd, t, Const(t, 1), F(SpirvOp.FMul, t, Const(t, 0.3275911), ax)));
        double[] a = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
        uint p = Const(t, a[^1]);
        for (int k = a.Length - 2; k >= 0; k--) p = F(SpirvOp.FAdd, t, F(SpirvOp.FMul, t, p, u), Const(t, a[k]));
        uint tail = F(SpirvOp.FMul, t, F(SpirvOp.FMul, t, p, u), Exp(t, _m.Result(SpirvOp.FNegate, ty, x2)));
        uint negative = _m.Result(SpirvOp.FOrdLessThan, Bool, x, Const(t, 0));
        uint isSmall = Small(t, x, 0.5);
        if (!complement)
        {
            uint far = F(SpirvOp.FSub, t, Const(t, 1), tail);
            far = _m.Result(SpirvOp.Select, ty, negative, _m.Result(SpirvOp.FNegate, ty, far), far);
            return _m.Result(SpirvOp.Select, ty, isSmall, near, far);
        }
        uint farC = _m.Result(SpirvOp.Select, ty, negative, F(SpirvOp.FSub, t, Const(t, 2), tail), tail);
        return _m.Result(SpirvOp.Select, ty, isSmall, F(SpirvOp.FSub, t, Const(t, 1), near), farC);
    }

    // jit_max / jit_min: NaN if either is NaN, +0 above -0, else the larger / smaller.
    private uint FloatMaxMin(DType t, uint a, uint b, bool max)
    {
        uint ty = Ty(t), bits = _m.TypeInt(Width(t), true);
        uint nan = _m.Result(SpirvOp.LogicalOr, Bool, _m.Result(SpirvOp.IsNan, Bool, a), _m.Result(SpirvOp.IsNan, Bool, b));
        uint signA = _m.Result(SpirvOp.SLessThan, Bool, _m.Result(SpirvOp.Bitcast, bits, a), _m.ConstantInt(bits, Width(t), 0));
        uint equalPick = max ? _m.Result(SpirvOp.Select, ty, signA, b, a) : _m.Result(SpirvOp.Select, ty, signA, a, b);
        uint firstWins = _m.Result(max ? SpirvOp.FOrdGreaterThan : SpirvOp.FOrdLessThan, Bool, a, b);
        uint pick = _m.Result(SpirvOp.Select, ty, firstWins, a, b);
        pick = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdEqual, Bool, a, b), equalPick, pick);
        return _m.Result(SpirvOp.Select, ty, nan, Exact(SpirvOp.FAdd, ty, a, b), pick);
    }

    // Python's remainder: fmod, moved into the divisor's sign.
    private uint FloatRemainder(DType t, uint a, uint b)
    {
        uint m = Exact(SpirvOp.FRem, Ty(t), a, b);
        uint signsDiffer = _m.Result(SpirvOp.LogicalNotEqual, Bool,
            _m.Result(SpirvOp.FOrdLessThan, Bool, b, Const(t, 0)), _m.Result(SpirvOp.FOrdLessThan, Bool, m, Const(t, 0)));
        uint fix = _m.Result(SpirvOp.LogicalAnd, Bool, _m.Result(SpirvOp.FUnordNotEqual, Bool, m, Const(t, 0)), signsDiffer);
        return _m.Result(SpirvOp.Select, Ty(t), fix, F(SpirvOp.FAdd, t, m, b), m);
    }

    // IEEE division: Vulkan leaves x / 0 undefined (lavapipe returns garbage for 0 / 0), so a zero
    // divisor is written out: NaN for 0 / 0 and NaN / 0, else infinity with the sign of the
    // product of the signs (a divisor of -0 counts as negative).
    private uint FloatDivide(DType t, uint x, uint y)
    {
        var bitsType = t == DType.Float64 ? DType.Int64 : DType.Int32;
        uint ty = Ty(t), bits = Ty(bitsType);
        uint quotient = Exact(SpirvOp.FDiv, ty, x, y);
        uint zero = Const(t, 0);
        uint signsDiffer = _m.Result(SpirvOp.SLessThan, Bool,
            _m.Result(SpirvOp.BitwiseXor, bits, _m.Result(SpirvOp.Bitcast, bits, x), _m.Result(SpirvOp.Bitcast, bits, y)), Const(bitsType, 0));
        uint infinity = _m.Result(SpirvOp.Select, ty, signsDiffer, Const(t, double.NegativeInfinity), Const(t, double.PositiveInfinity));
        uint undefined = _m.Result(SpirvOp.LogicalOr, Bool, _m.Result(SpirvOp.FOrdEqual, Bool, x, zero), _m.Result(SpirvOp.IsNan, Bool, x));
        uint byZero = _m.Result(SpirvOp.Select, ty, undefined, Const(t, double.NaN), infinity);
        return _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.FOrdEqual, Bool, y, zero), byZero, quotient);
    }

    // floor(a / b) of the exact quotient: a float32 quotient rounded up to an integer is taken
    // back by the sign of a - q * b (jit_floordiv_f).
    private uint FloatFloorDiv(DType t, uint a, uint b)
    {
        uint ty = Ty(t);
        uint q = _m.Glsl(ty, Glsl.Floor, FloatDivide(t, a, b));
        if (t == DType.Float64) return q;
        uint r = _m.Glsl(ty, Glsl.Fma, _m.Result(SpirvOp.FNegate, ty, q), b, a);
        uint over = _m.Result(SpirvOp.Select, Bool, _m.Result(SpirvOp.FOrdGreaterThan, Bool, b, Const(t, 0)),
            _m.Result(SpirvOp.FOrdLessThan, Bool, r, Const(t, 0)), _m.Result(SpirvOp.FOrdGreaterThan, Bool, r, Const(t, 0)));
        return _m.Result(SpirvOp.Select, ty, over, F(SpirvOp.FSub, t, q, Const(t, 1)), q);
    }

    // An integer of t's compute type, not wrapped to t (C compares 8- and 16-bit values promoted to
    // int: a uint8 255 is not -1).
    private uint Raw(DType t, long value) => _m.ConstantInt(Ty(t), Width(t), value);

    // A divisor of 0 or -1 replaced by 1, so the division itself is always defined.
    private uint SafeDivisor(DType t, uint b, out uint zero, out uint minusOne)
    {
        zero = _m.Result(SpirvOp.IEqual, Bool, b, Const(t, 0));
        minusOne = _m.Result(SpirvOp.IEqual, Bool, b, Raw(t, -1));
        return _m.Result(SpirvOp.Select, Ty(t), _m.Result(SpirvOp.LogicalOr, Bool, zero, minusOne), Const(t, 1), b);
    }

    // jit_div_l: x / 0 = 0, x / -1 = -x (wrapping), else C's truncating division.
    private uint IntDiv(DType t, uint a, uint b)
    {
        uint ty = Ty(t), q = _m.Result(SpirvOp.SDiv, ty, a, SafeDivisor(t, b, out uint zero, out uint minusOne));
        q = _m.Result(SpirvOp.Select, ty, minusOne, _m.Result(SpirvOp.SNegate, ty, a), q);
        return _m.Result(SpirvOp.Select, ty, zero, Const(t, 0), q);
    }

    // jit_mod_l: C's %, 0 for divisors 0 and -1.
    private uint IntMod(DType t, uint a, uint b)
    {
        uint ty = Ty(t), m = _m.Result(SpirvOp.SRem, ty, a, SafeDivisor(t, b, out uint zero, out uint minusOne));
        return _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.LogicalOr, Bool, zero, minusOne), Const(t, 0), m);
    }

    private uint IntRemainder(DType t, uint a, uint b)
    {
        uint m = IntMod(t, a, b), zero = Const(t, 0);
        uint signsDiffer = _m.Result(SpirvOp.LogicalNotEqual, Bool,
            _m.Result(SpirvOp.SLessThan, Bool, b, zero), _m.Result(SpirvOp.SLessThan, Bool, m, zero));
        uint fix = _m.Result(SpirvOp.LogicalAnd, Bool, _m.Result(SpirvOp.INotEqual, Bool, m, zero), signsDiffer);
        return _m.Result(SpirvOp.Select, Ty(t), fix, _m.Result(SpirvOp.IAdd, Ty(t), m, b), m);
    }

    private uint IntFloorDiv(DType t, uint a, uint b)
    {
        uint ty = Ty(t), zero = Const(t, 0);
        uint q = IntDiv(t, a, b), r = IntMod(t, a, b);
        uint inexact = _m.Result(SpirvOp.INotEqual, Bool, r, zero);
        // The remainder has a's sign where it is not 0. Comparing it rather than a also sidesteps
        // lavapipe (Mesa 22.3), which took a sign-extended negative int32 for non-negative here.
        uint signsDiffer = _m.Result(SpirvOp.LogicalNotEqual, Bool, _m.Result(SpirvOp.SLessThan, Bool, r, zero), _m.Result(SpirvOp.SLessThan, Bool, b, zero));
        return _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.LogicalAnd, Bool, inexact, signsDiffer), _m.Result(SpirvOp.ISub, ty, q, Const(t, 1)), q);
    }

    // jit_pow_l: square-and-multiply with wrapping; negative exponents give 1 / x^-y truncated.
    private uint IntPow(DType t, uint x, uint y)
    {
        uint ty = Ty(t), ptr = _m.TypePointer(SpvStorage.Function, ty), zero = Const(t, 0), one = Const(t, 1);
        uint result = _m.LocalVariable(ptr), powerBase = _m.LocalVariable(ptr), exponent = _m.LocalVariable(ptr);
        _m.Emit(SpirvOp.Store, result, one);
        _m.Emit(SpirvOp.Store, powerBase, x);
        _m.Emit(SpirvOp.Store, exponent, y);
        uint header = _m.NewId(), cond = _m.NewId(), body = _m.NewId(), cont = _m.NewId(), merge = _m.NewId();
        _m.Branch(header);
        _m.Label(header);
        _m.LoopMerge(merge, cont);
        _m.Branch(cond);
        _m.Label(cond);
        _m.BranchConditional(_m.Result(SpirvOp.SGreaterThan, Bool, _m.Result(SpirvOp.Load, ty, exponent), zero), body, merge);
        _m.Label(body);
        uint e = _m.Result(SpirvOp.Load, ty, exponent), r = _m.Result(SpirvOp.Load, ty, result), b = _m.Result(SpirvOp.Load, ty, powerBase);
        uint odd = _m.Result(SpirvOp.INotEqual, Bool, _m.Result(SpirvOp.BitwiseAnd, ty, e, one), zero);
        _m.Emit(SpirvOp.Store, result, _m.Result(SpirvOp.Select, ty, odd, _m.Result(SpirvOp.IMul, ty, r, b), r));
        _m.Emit(SpirvOp.Store, powerBase, _m.Result(SpirvOp.IMul, ty, b, b));
        _m.Emit(SpirvOp.Store, exponent, _m.Result(SpirvOp.ShiftRightArithmetic, ty, e, one));
        _m.Branch(cont);
        _m.Label(cont);
        _m.Branch(header);
        _m.Label(merge);
        uint positive = _m.Result(SpirvOp.Load, ty, result);
        uint evenY = _m.Result(SpirvOp.IEqual, Bool, _m.Result(SpirvOp.BitwiseAnd, ty, y, one), zero);
        uint minusOnePow = _m.Result(SpirvOp.Select, ty, evenY, one, Raw(t, -1));
        uint negative = _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.IEqual, Bool, x, one), one,
            _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.IEqual, Bool, x, Raw(t, -1)), minusOnePow, zero));
        return _m.Result(SpirvOp.Select, ty, _m.Result(SpirvOp.SLessThan, Bool, y, zero), negative, positive);
    }
}

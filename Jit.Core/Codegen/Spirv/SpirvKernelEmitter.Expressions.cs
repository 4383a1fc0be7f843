using Jit.Errors;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen.Spirv;

// Types, memory access and the arithmetic of expressions.
internal sealed partial class SpirvKernelEmitter
{
    private uint Int64 => _m.TypeInt(64, true);
    private uint Bool => _m.TypeBool();

    // The type values of t are computed in (bool as OpTypeBool, 8- and 16-bit integers in int32,
    // wrapped to their width after each operation).
    private uint Ty(DType t)
    {
        switch (t)
        {
            case DType.Bool: return _m.TypeBool();
            case DType.Int32 or DType.Int8 or DType.UInt8 or DType.Int16: return _m.TypeInt(32, true);
            case DType.Int64: return _m.TypeInt(64, true);
            case DType.Float32: return _m.TypeFloat(32);
            case DType.Float64:
                _m.Capability(SpvCapability.Float64);
                _features.Add("shaderFloat64");
                return _m.TypeFloat(64);
            default:
                throw new JitIrException($"the SPIR-V renderer does not support {t.PythonName()} values yet (float32, float64 and the integer and bool dtypes only)");
        }
    }

    // The element type of a storage buffer of t: bool and 8-bit integers are bytes (8-bit
    // storage), int16 is 16-bit storage.
    private uint StorageType(DType t)
    {
        switch (t)
        {
            case DType.Bool or DType.UInt8 or DType.Int8:
                _m.Capability(SpvCapability.StorageBuffer8BitAccess);
                _m.Extension("SPV_KHR_8bit_storage");
                _features.Add("storageBuffer8BitAccess");
                return _m.TypeInt(8, t == DType.Int8);
            case DType.Int16:
                _m.Capability(SpvCapability.StorageBuffer16BitAccess);
                _m.Extension("SPV_KHR_16bit_storage");
                _features.Add("storageBuffer16BitAccess");
                return _m.TypeInt(16, true);
            default:
                return Ty(t);
        }
    }

    private static int Width(DType t) => t is DType.Int64 or DType.Float64 ? 64 : 32;

    private static bool IsNarrow(DType t) => t is DType.Int8 or DType.UInt8 or DType.Int16;

    // A 32-bit result wrapped to the 8- or 16-bit integer dtype t (C's conversion back to char,
    // uchar, short); other dtypes are already at their width.
    private uint Wrap(DType t, uint x)
    {
        if (!IsNarrow(t)) return x;
        uint i32 = _m.TypeInt(32, true);
        if (t == DType.UInt8) return _m.Result(SpirvOp.BitwiseAnd, i32, x, _m.ConstantInt(i32, 32, 0xff));
        uint shift = _m.ConstantInt(i32, 32, t == DType.Int8 ? 24 : 16);
        return _m.Result(SpirvOp.ShiftRightArithmetic, i32, _m.Result(SpirvOp.ShiftLeftLogical, i32, x, shift), shift);
    }

    private uint Const(long value) => _m.ConstantInt(Int64, 64, value);

    // A constant of t from a small number (0, 1, -1, 2^63 as a float...); see IntConst for any integer.
    private uint Const(DType t, double value) => t.IsFloatingPoint() ? _m.ConstantFloat(Ty(t), Width(t), value) : IntConst(t, (long)value);

    // An integer literal of t, exact over the whole int64 range (narrow dtypes wrapped to their width).
    private uint IntConst(DType t, long value) => t switch
    {
        DType.Bool => _m.ConstantBool(value != 0),
        DType.Float32 or DType.Float64 => _m.ConstantFloat(Ty(t), Width(t), value),
        _ => _m.ConstantInt(Ty(t), Width(t), IsNarrow(t) ? ScalarMath.Wrap(t, value) : value),
    };

    // A pointer to the element of b at logical indices, in b's storage class.
    private uint Pointer(TeBuffer b, NodeList<Expr> indices, out BufferScope scope, out uint variable)
    {
        var x = _buffers.TryGetValue(b.Name, out var found) ? found : throw new JitIrException($"buffer {b.Name} is not declared where it is used");
        scope = x.Scope;
        variable = x.Variable;
        int first = scope == BufferScope.PerWorkItem ? 1 : 0;
        if (scope == BufferScope.Private && b.Rank == 0) return variable;
        uint? offset = scope == BufferScope.Global ? Argument(_bindings[b.Name]) : null;
        for (int d = first; d < indices.Count; d++)
        {
            if (indices[d] is IntImm { Value: 0 } || b.Strides[d] is IntImm { Value: 0 }) continue;
            uint term = b.Strides[d] is IntImm { Value: 1 } ? E(indices[d]) : _m.Result(SpirvOp.IMul, Int64, E(indices[d]), E(b.Strides[d]));
            offset = offset is { } o ? _m.Result(SpirvOp.IAdd, Int64, o, term) : term;
        }
        uint index = offset ?? Const(0);
        return scope switch
        {
            BufferScope.Global => _m.Result(SpirvOp.AccessChain, _m.TypePointer(SpvStorage.StorageBuffer, StorageType(b.DType)), variable, _m.ConstantUInt32(0), index),
            BufferScope.Local => _m.Result(SpirvOp.AccessChain, _m.TypePointer(SpvStorage.Workgroup, Ty(b.DType)), variable, index),
            _ => _m.Result(SpirvOp.AccessChain, _m.TypePointer(SpvStorage.Function, Ty(b.DType)), variable, index),
        };
    }

    private uint Argument(int member) => _argumentValues[member];

    private uint LoadArgument(int member) =>
        _m.Result(SpirvOp.Load, Int64, _m.Result(SpirvOp.AccessChain, _m.TypePointer(_argumentStorage, Int64), _arguments, _m.ConstantUInt32((uint)member)));

    private void Store(TeBuffer b, NodeList<Expr> indices, uint value)
    {
        uint ptr = Pointer(b, indices, out var scope, out _);
        if (scope == BufferScope.Global && b.DType == DType.Bool)
        {
            uint u32 = _m.TypeInt(32, false);
            uint word = _m.Result(SpirvOp.Select, u32, value, _m.ConstantUInt32(1), _m.ConstantUInt32(0));
            value = _m.Result(SpirvOp.UConvert, _m.TypeInt(8, false), word);
        }
        else if (scope == BufferScope.Global && IsNarrow(b.DType))
        {
            value = _m.Result(SpirvOp.SConvert, StorageType(b.DType), value);
        }
        _m.Emit(SpirvOp.Store, ptr, value);
    }

    private uint Load(LoadExpr l)
    {
        var b = l.Buffer;
        uint ptr = Pointer(b, l.Indices, out var scope, out _);
        if (scope == BufferScope.Global && IsNarrow(b.DType))
        {
            uint raw = _m.Result(SpirvOp.Load, StorageType(b.DType), ptr);
            return b.DType == DType.UInt8
                ? _m.Result(SpirvOp.Bitcast, Ty(b.DType), _m.Result(SpirvOp.UConvert, _m.TypeInt(32, false), raw))
                : _m.Result(SpirvOp.SConvert, Ty(b.DType), raw);
        }
        if (scope != BufferScope.Global || b.DType != DType.Bool) return _m.Result(SpirvOp.Load, Ty(b.DType), ptr);
        uint u32 = _m.TypeInt(32, false);
        uint word = _m.Result(SpirvOp.UConvert, u32, _m.Result(SpirvOp.Load, _m.TypeInt(8, false), ptr));
        return _m.Result(SpirvOp.INotEqual, Bool, word, _m.ConstantUInt32(0));
    }

    private uint E(Expr e) => e switch
    {
        IntImm i => IntConst(i.DType, i.Value),
        FloatImm f => Const(f.DType, f.Value),
        Var v when _params.TryGetValue(v, out int member) => v.VarType == DType.Int64 ? Argument(member)
            : throw new JitIrException($"param {v.Name} is {v.VarType.PythonName()}; params are int64"),
        Var v => _m.Result(SpirvOp.Load, Ty(v.VarType), _locals.TryGetValue(v, out var ptr) ? ptr : throw new JitIrException($"variable {v.Name} is not bound where it is used")),
        LoadExpr l => Load(l),
        BinaryExpr b => Wrap(b.DType, Binary(b)),
        UnaryExpr u => Wrap(u.DType, Unary(u)),
        CastExpr c => Wrap(c.Target, Cast(E(c.X), c.X.DType, c.Target)),
        SelectExpr s => Select(s),
        CallExpr c => Wrap(c.DType, Call(c)),
        _ => throw new JitIrException($"cannot emit expression {e.GetType().Name} as SPIR-V"),
    };

    // Float arithmetic is never contracted into fma: each operation rounds, as in the oracle.
    private uint Exact(SpirvOp op, uint type, params uint[] operands)
    {
        uint id = _m.Result(op, type, operands);
        _m.Decorate(id, SpvDecoration.NoContraction);
        return id;
    }

    private uint Binary(BinaryExpr b)
    {
        var t = b.A.DType;
        uint x = E(b.A), y = E(b.B), ty = Ty(t);
        if (t == DType.Bool) return BoolBinary(b.Op, x, y);
        if (t.IsFloatingPoint())
        {
            return b.Op switch
            {
                BinaryOp.Add => Exact(SpirvOp.FAdd, ty, x, y),
                BinaryOp.Sub => Exact(SpirvOp.FSub, ty, x, y),
                BinaryOp.Mul => Exact(SpirvOp.FMul, ty, x, y),
                BinaryOp.Div => FloatDivide(t, x, y),
                BinaryOp.Mod => Exact(SpirvOp.FRem, ty, x, y),
                BinaryOp.Max => FloatMaxMin(t, x, y, max: true),
                BinaryOp.Min => FloatMaxMin(t, x, y, max: false),
                BinaryOp.Eq => _m.Result(SpirvOp.FOrdEqual, Bool, x, y),
                BinaryOp.Ne => _m.Result(SpirvOp.FUnordNotEqual, Bool, x, y),
                BinaryOp.Lt => _m.Result(SpirvOp.FOrdLessThan, Bool, x, y),
                BinaryOp.Le => _m.Result(SpirvOp.FOrdLessThanEqual, Bool, x, y),
                BinaryOp.Gt => _m.Result(SpirvOp.FOrdGreaterThan, Bool, x, y),
                BinaryOp.Ge => _m.Result(SpirvOp.FOrdGreaterThanEqual, Bool, x, y),
                _ => throw new JitIrException($"{b.Op} is not defined on {t.PythonName()}"),
            };
        }
        bool positiveConstant = b.B is IntImm { Value: > 0 };
        return b.Op switch
        {
            BinaryOp.Add => _m.Result(SpirvOp.IAdd, ty, x, y),
            BinaryOp.Sub => _m.Result(SpirvOp.ISub, ty, x, y),
            BinaryOp.Mul => _m.Result(SpirvOp.IMul, ty, x, y),
            BinaryOp.Div when positiveConstant => _m.Result(SpirvOp.SDiv, ty, x, y),
            BinaryOp.Mod when positiveConstant => _m.Result(SpirvOp.SRem, ty, x, y),
            BinaryOp.Div => IntDiv(t, x, y),
            BinaryOp.Mod => IntMod(t, x, y),
            BinaryOp.Max => _m.Glsl(ty, Glsl.SMax, x, y),
            BinaryOp.Min => _m.Glsl(ty, Glsl.SMin, x, y),
            BinaryOp.And => _m.Result(SpirvOp.BitwiseAnd, ty, x, y),
            BinaryOp.Or => _m.Result(SpirvOp.BitwiseOr, ty, x, y),
            BinaryOp.Xor => _m.Result(SpirvOp.BitwiseXor, ty, x, y),
            BinaryOp.Eq => _m.Result(SpirvOp.IEqual, Bool, x, y),
            BinaryOp.Ne => _m.Result(SpirvOp.INotEqual, Bool, x, y),
            BinaryOp.Lt => _m.Result(SpirvOp.SLessThan, Bool, x, y),
            BinaryOp.Le => _m.Result(SpirvOp.SLessThanEqual, Bool, x, y),
            BinaryOp.Gt => _m.Result(SpirvOp.SGreaterThan, Bool, x, y),
            _ => _m.Result(SpirvOp.SGreaterThanEqual, Bool, x, y),
        };
    }

    // Bool arithmetic as C does it on 0/1 bytes, wrapped back to bool (x + y != 0, ...).
    private uint BoolBinary(BinaryOp op, uint x, uint y) => op switch
    {
        BinaryOp.Add or BinaryOp.Or or BinaryOp.Max => _m.Result(SpirvOp.LogicalOr, Bool, x, y),
        BinaryOp.Mul or BinaryOp.And or BinaryOp.Min => _m.Result(SpirvOp.LogicalAnd, Bool, x, y),
        BinaryOp.Sub or BinaryOp.Xor or BinaryOp.Ne => _m.Result(SpirvOp.LogicalNotEqual, Bool, x, y),
        BinaryOp.Eq => _m.Result(SpirvOp.LogicalEqual, Bool, x, y),
        BinaryOp.Lt => _m.Result(SpirvOp.LogicalAnd, Bool, _m.Result(SpirvOp.LogicalNot, Bool, x), y),
        BinaryOp.Gt => _m.Result(SpirvOp.LogicalAnd, Bool, x, _m.Result(SpirvOp.LogicalNot, Bool, y)),
        BinaryOp.Le => _m.Result(SpirvOp.LogicalOr, Bool, _m.Result(SpirvOp.LogicalNot, Bool, x), y),
        BinaryOp.Ge => _m.Result(SpirvOp.LogicalOr, Bool, x, _m.Result(SpirvOp.LogicalNot, Bool, y)),
        _ => throw new JitIrException($"{op} is not defined on bool"),
    };

    private uint Unary(UnaryExpr u)
    {
        var t = u.X.DType;
        uint x = E(u.X), ty = Ty(t);
        if (u.Op == UnaryOp.Neg)
            return t.IsFloatingPoint() ? _m.Result(SpirvOp.FNegate, ty, x) : t == DType.Bool ? x : _m.Result(SpirvOp.SNegate, ty, x);
        return t == DType.Bool ? _m.Result(SpirvOp.LogicalNot, Bool, x) : _m.Result(SpirvOp.Not, ty, x);
    }

    private uint Cast(uint x, DType from, DType to)
    {
        if (from == to) return x;
        uint ty = Ty(to);
        if (to == DType.Bool)
            return from.IsFloatingPoint() ? _m.Result(SpirvOp.FUnordNotEqual, Bool, x, Const(from, 0)) : _m.Result(SpirvOp.INotEqual, Bool, x, Const(from, 0));
        if (from == DType.Bool) return _m.Result(SpirvOp.Select, ty, x, Const(to, 1), Const(to, 0));
        if (from.IsFloatingPoint())
        {
            if (to.IsFloatingPoint()) return _m.Result(SpirvOp.FConvert, ty, x);
            uint l = FloatToInt64(from, x);
            return to == DType.Int64 ? l : _m.Result(SpirvOp.SConvert, ty, l);
        }
        if (to.IsFloatingPoint()) return _m.Result(SpirvOp.ConvertSToF, ty, x);
        // 8- and 16-bit integers compute in int32 already (the caller wraps them).
        return Ty(from) == ty ? x : _m.Result(SpirvOp.SConvert, ty, x);
    }

    // The oracle's saturating conversion: NaN -> 0, out of range -> the int64 bound.
    private uint FloatToInt64(DType from, uint x)
    {
        uint big = Const(from, 9.223372036854775808e18), negBig = Const(from, -9.223372036854775808e18);
        uint nan = _m.Result(SpirvOp.IsNan, Bool, x);
        uint hi = _m.Result(SpirvOp.FOrdGreaterThanEqual, Bool, x, big);
        uint lo = _m.Result(SpirvOp.FOrdLessThanEqual, Bool, x, negBig);
        uint outside = _m.Result(SpirvOp.LogicalOr, Bool, nan, _m.Result(SpirvOp.LogicalOr, Bool, hi, lo));
        uint safe = _m.Result(SpirvOp.Select, Ty(from), outside, Const(from, 0), x);
        uint r = _m.Result(SpirvOp.ConvertFToS, Int64, safe);
        r = _m.Result(SpirvOp.Select, Int64, hi, Const(long.MaxValue), r);
        r = _m.Result(SpirvOp.Select, Int64, lo, Const(long.MinValue), r);
        return _m.Result(SpirvOp.Select, Int64, nan, Const(0), r);
    }

    // cond ? a : b, evaluating only the branch taken where a branch reads memory (a guarded load
    // may be out of bounds when not taken).
    private uint Select(SelectExpr s)
    {
        uint c = E(s.Cond), ty = Ty(s.DType);
        if (!ReadsMemory(s.IfTrue) && !ReadsMemory(s.IfFalse)) return _m.Result(SpirvOp.Select, ty, c, E(s.IfTrue), E(s.IfFalse));
        uint thenLabel = _m.NewId(), elseLabel = _m.NewId(), merge = _m.NewId();
        _m.SelectionMerge(merge);
        _m.BranchConditional(c, thenLabel, elseLabel);
        _m.Label(thenLabel);
        uint a = E(s.IfTrue), aEnd = _m.CurrentBlock;
        _m.Branch(merge);
        _m.Label(elseLabel);
        uint b = E(s.IfFalse), bEnd = _m.CurrentBlock;
        _m.Branch(merge);
        _m.Label(merge);
        return _m.Result(SpirvOp.Phi, ty, a, aEnd, b, bEnd);
    }

    private static bool ReadsMemory(Expr e) => e switch
    {
        LoadExpr => true,
        BinaryExpr b => ReadsMemory(b.A) || ReadsMemory(b.B),
        UnaryExpr u => ReadsMemory(u.X),
        CastExpr c => ReadsMemory(c.X),
        SelectExpr s => ReadsMemory(s.Cond) || ReadsMemory(s.IfTrue) || ReadsMemory(s.IfFalse),
        CallExpr c => c.Args.Any(ReadsMemory),
        _ => false,
    };
}

using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

// Addresses, loads, stores and reduction steps. An element's address is
// base + (sum_k index_k * stride_k) * elementSize; strides are per-call locals, so any layout
// (transposed, sliced, expanded with stride 0) works in the scalar code.
internal sealed partial class TeIlEmitter
{
    private BufferSlot Slot(TeBuffer b) =>
        _buffers.TryGetValue(b.Name, out var s) ? s : throw new JitRuntimeException($"buffer {b.Name} is not bound");

    /// <summary>Pushes the byte address of <paramref name="b"/>[<paramref name="indices"/>] (native int).</summary>
    private void EmitAddress(TeBuffer b, NodeList<Expr> indices)
    {
        var slot = Slot(b);
        _il.Emit(OpCodes.Ldloc, slot.Pointer!);
        if (indices.Count == 0) return;
        for (int d = 0; d < indices.Count; d++)
        {
            EmitIndex(indices[d]);
            _il.Emit(OpCodes.Ldloc, slot.Strides[d]);
            _il.Emit(OpCodes.Mul);
            if (d > 0) _il.Emit(OpCodes.Add);
        }
        _il.Emit(OpCodes.Ldc_I8, (long)b.DType.ElementSize());
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Add);
    }

    private void EmitLoad(LoadExpr l)
    {
        var slot = Slot(l.Buffer);
        if (slot.Scalar is not null)
        {
            _il.Emit(OpCodes.Ldloc, slot.Scalar);
            return;
        }
        EmitAddress(l.Buffer, l.Indices);
        EmitLoadIndirect(l.Buffer.DType);
    }

    /// <summary>Replaces the address on the stack by the element there, as a stack value.</summary>
    private void EmitLoadIndirect(DType t)
    {
        switch (t)
        {
            case DType.Float32: _il.Emit(OpCodes.Ldind_R4); break;
            case DType.Float64: _il.Emit(OpCodes.Ldind_R8); break;
            case DType.Float16: _il.Emit(OpCodes.Ldind_U2); _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.HalfBitsToFloat))); break;
            case DType.BFloat16: _il.Emit(OpCodes.Ldind_U2); _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.BFloatBitsToFloat))); break;
            case DType.Int64: _il.Emit(OpCodes.Ldind_I8); break;
            case DType.Int32: _il.Emit(OpCodes.Ldind_I4); break;
            case DType.Int16: _il.Emit(OpCodes.Ldind_I2); break;
            case DType.Int8: _il.Emit(OpCodes.Ldind_I1); break;
            case DType.UInt8: _il.Emit(OpCodes.Ldind_U1); break;
            // Any nonzero byte reads as true.
            case DType.Bool: _il.Emit(OpCodes.Ldind_U1); _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Cgt_Un); break;
            default: throw new JitRuntimeException($"cannot load {t.PythonName()}");
        }
    }

    /// <summary>Stores the stack value (of dtype <paramref name="t"/>) at the address below it.</summary>
    private void EmitStoreIndirect(DType t)
    {
        switch (t)
        {
            case DType.Float32: _il.Emit(OpCodes.Stind_R4); break;
            case DType.Float64: _il.Emit(OpCodes.Stind_R8); break;
            case DType.Float16: _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.FloatToHalfBits))); _il.Emit(OpCodes.Stind_I2); break;
            case DType.BFloat16: _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.FloatToBFloatBits))); _il.Emit(OpCodes.Stind_I2); break;
            case DType.Int64: _il.Emit(OpCodes.Stind_I8); break;
            case DType.Int32: _il.Emit(OpCodes.Stind_I4); break;
            case DType.Int16: _il.Emit(OpCodes.Stind_I2); break;
            default: _il.Emit(OpCodes.Stind_I1); break;
        }
    }

    private void EmitStore(StoreStmt st)
    {
        var slot = Slot(st.Buffer);
        if (slot.Scalar is not null)
        {
            EmitExpr(st.Value);
            EmitConvert(st.Value.DType, st.Buffer.DType);
            _il.Emit(OpCodes.Stloc, slot.Scalar);
            return;
        }
        EmitAddress(st.Buffer, st.Indices);
        EmitExpr(st.Value);
        EmitConvert(st.Value.DType, st.Buffer.DType);
        EmitStoreIndirect(st.Buffer.DType);
    }

    /// <summary>One reduction step; <paramref name="pushValue"/> replaces the statement's value (a folded vector accumulator).</summary>
    private void EmitReduce(ReduceStmt r, Action? pushValue = null)
    {
        // acc = combine(acc, x) with both operands in locals, through the reducer's own
        // expression form, so built-in and custom reducers share the binary-op semantics.
        var t = r.Buffer.DType;
        var slot = Slot(r.Buffer);
        var accVar = TempVar(t, out var accLocal);
        var xVar = TempVar(t, out var xLocal);
        LocalBuilder? address = null;
        if (slot.Scalar is not null)
        {
            _il.Emit(OpCodes.Ldloc, slot.Scalar);
        }
        else
        {
            address = _il.DeclareLocal(typeof(nint));
            EmitAddress(r.Buffer, r.Indices);
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Stloc, address);
            EmitLoadIndirect(t);
        }
        _il.Emit(OpCodes.Stloc, accLocal);
        if (pushValue is not null) pushValue();
        else
        {
            EmitExpr(r.Value);
            EmitConvert(r.Value.DType, t);
        }
        _il.Emit(OpCodes.Stloc, xLocal);
        var combined = Expr.Cast(r.Reducer.Combine(accVar, xVar), t);
        if (address is null)
        {
            EmitExpr(combined);
            _il.Emit(OpCodes.Stloc, slot.Scalar!);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, address);
            EmitExpr(combined);
            EmitStoreIndirect(t);
        }
        _vars.Remove(accVar);
        _vars.Remove(xVar);
    }
}

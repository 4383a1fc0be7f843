using System.Reflection;
using System.Reflection.Emit;
using ILGPU;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Codegen;

// Buffers: global views (storage types, 16-bit floats as ushort, bool as byte) at an element
// offset; shared and private arrays in the compute type; rank-0 private buffers as IL locals.
internal sealed partial class KernelIlEmitter
{
    private sealed class BufferSlot(TeBuffer buffer, BufferScope scope, Type element)
    {
        public TeBuffer Buffer { get; } = buffer;
        public BufferScope Scope { get; } = scope;
        /// <summary>The CLR type of one element where it is stored.</summary>
        public Type Element { get; } = element;
        public LocalBuilder? View { get; init; }
        public LocalBuilder? Offset { get; init; }
        public LocalBuilder? Scalar { get; init; }
    }

    /// <summary>The CLR type of a global element of <paramref name="t"/>.</summary>
    internal static Type StorageType(DType t) => t switch
    {
        DType.UInt8 or DType.Bool => typeof(byte),
        DType.Int8 => typeof(sbyte),
        DType.Int16 => typeof(short),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.Float16 or DType.BFloat16 => typeof(ushort),
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        _ => throw new JitIrException($"the CUDA emitter has no storage for {t.PythonName()}"),
    };

    /// <summary>The CLR type of a value of <paramref name="t"/> on the IL stack (and in shared and private memory).</summary>
    internal static Type StackType(DType t) => t switch
    {
        DType.Float32 or DType.Float16 or DType.BFloat16 => typeof(float),
        DType.Float64 => typeof(double),
        _ => typeof(long),
    };

    private BufferSlot GlobalSlot(TeBuffer b, int k)
    {
        var element = StorageType(b.DType);
        var bytes = _il.DeclareLocal(typeof(ArrayView<byte>));
        var view = _il.DeclareLocal(typeof(ArrayView<>).MakeGenericType(element));
        var offset = _il.DeclareLocal(typeof(long));
        _il.Emit(OpCodes.Ldarga_S, (byte)0);
        _il.Emit(OpCodes.Ldfld, KernelArgsAccess.ViewFields[k]);
        _il.Emit(OpCodes.Stloc, bytes);
        _il.Emit(OpCodes.Ldloca, bytes);
        _il.Emit(OpCodes.Call, typeof(ArrayView<byte>).GetMethod(nameof(ArrayView<byte>.Cast))!.MakeGenericMethod(element));
        _il.Emit(OpCodes.Stloc, view);
        _il.Emit(OpCodes.Ldarga_S, (byte)0);
        _il.Emit(OpCodes.Ldfld, KernelArgsAccess.LongFields[k]);
        _il.Emit(OpCodes.Stloc, offset);
        return new BufferSlot(b, BufferScope.Global, element) { View = view, Offset = offset };
    }

    private void EmitAllocate(AllocateStmt a)
    {
        var b = a.Buffer;
        var element = StackType(b.DType);
        BufferSlot slot;
        switch (a.Scope)
        {
            case BufferScope.Private or BufferScope.Auto when b.Rank == 0:
                slot = new BufferSlot(b, BufferScope.Private, element) { Scalar = _il.DeclareLocal(element) };
                break;
            case BufferScope.Private or BufferScope.Auto:
                slot = new BufferSlot(b, BufferScope.Private, element) { View = AllocateArray(typeof(LocalMemory), element, ConstantSize(b)) };
                break;
            case BufferScope.Local:
                slot = new BufferSlot(b, BufferScope.Local, element) { View = AllocateArray(typeof(SharedMemory), element, ConstantSize(b)) };
                break;
            case BufferScope.PerWorkItem:
                // One slice per work-item: dim 0 (the work-item) is dropped from the size and every access.
                slot = new BufferSlot(b, BufferScope.PerWorkItem, element)
                {
                    View = AllocateArray(typeof(LocalMemory), element, ConstantSize(b) / Math.Max(1, Constant(b.Sizes[0], b))),
                };
                break;
            default:
                throw new JitIrException($"kernel {_kernel.Kernel.Name}: global allocation {b.Name} inside a stage; only top-level temporaries can be global");
        }
        _buffers[b.Name] = slot;
        EmitStmt(a.Body);
        _buffers.Remove(b.Name);
    }

    // LocalMemory.Allocate<T>(n) or SharedMemory.Allocate<T>(n): n must be a constant for ILGPU.
    private LocalBuilder AllocateArray(Type memory, Type element, long length)
    {
        var allocate = memory.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "Allocate" && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(int))
            .MakeGenericMethod(element);
        var view = _il.DeclareLocal(typeof(ArrayView<>).MakeGenericType(element));
        _il.Emit(OpCodes.Ldc_I4, checked((int)Math.Max(length, 1)));
        _il.Emit(OpCodes.Call, allocate);
        _il.Emit(OpCodes.Stloc, view);
        return view;
    }

    private static long ConstantSize(TeBuffer b)
    {
        long n = 1;
        foreach (var s in b.Sizes) n *= Constant(s, b);
        return Math.Max(n, 1);
    }

    private static long Constant(Expr size, TeBuffer b) =>
        TeSimplifier.Simplify(size) is IntImm { Value: >= 0 } c ? c.Value
        : throw new JitIrException($"buffer {b.Name} in private or shared memory needs constant sizes, has {size}");

    private BufferSlot Lookup(TeBuffer b) =>
        _buffers.TryGetValue(b.Name, out var slot) ? slot : throw new JitIrException($"kernel {_kernel.Kernel.Name}: buffer {b.Name} is not declared where it is used");

    /// <summary>Pushes the managed address of element <paramref name="indices"/> of an array slot.</summary>
    private void EmitAddress(BufferSlot slot, NodeList<Expr> indices)
    {
        _il.Emit(OpCodes.Ldloca, slot.View!);
        bool any = false;
        if (slot.Offset is not null)
        {
            _il.Emit(OpCodes.Ldloc, slot.Offset);
            any = true;
        }
        int first = slot.Scope == BufferScope.PerWorkItem ? 1 : 0;
        var b = slot.Buffer;
        for (int d = first; d < indices.Count; d++)
        {
            if (indices[d] is IntImm { Value: 0 } || b.Strides[d] is IntImm { Value: 0 }) continue;
            EmitExpr(indices[d]);
            if (b.Strides[d] is not IntImm { Value: 1 })
            {
                EmitExpr(b.Strides[d]);
                _il.Emit(OpCodes.Mul);
            }
            if (any) _il.Emit(OpCodes.Add);
            any = true;
        }
        if (!any) _il.Emit(OpCodes.Ldc_I8, 0L);
        _il.Emit(OpCodes.Call, slot.View!.LocalType.GetMethod("get_Item", [typeof(long)])!);
    }

    private void EmitLoad(LoadExpr l)
    {
        var slot = Lookup(l.Buffer);
        if (slot.Scalar is not null)
        {
            _il.Emit(OpCodes.Ldloc, slot.Scalar);
            return;
        }
        EmitAddress(slot, l.Indices);
        _il.Emit(OpCodes.Ldobj, slot.Element);
        if (slot.Scope != BufferScope.Global) return;
        switch (l.Buffer.DType)
        {
            case DType.Float16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.HalfToFloat))); break;
            case DType.BFloat16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.BFloatToFloat))); break;
            case DType.UInt8 or DType.Bool: _il.Emit(OpCodes.Conv_U8); break;
            case DType.Int8 or DType.Int16 or DType.Int32: _il.Emit(OpCodes.Conv_I8); break;
        }
    }

    /// <summary>Stores the value <paramref name="value"/> pushes (of the buffer's dtype) into an element.</summary>
    private void EmitStore(TeBuffer b, NodeList<Expr> indices, Action value)
    {
        var slot = Lookup(b);
        if (slot.Scalar is not null)
        {
            value();
            _il.Emit(OpCodes.Stloc, slot.Scalar);
            return;
        }
        EmitAddress(slot, indices);
        value();
        if (slot.Scope == BufferScope.Global)
        {
            switch (b.DType)
            {
                case DType.Float16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.FloatToHalf))); break;
                case DType.BFloat16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.FloatToBFloat))); break;
                case DType.UInt8 or DType.Bool: _il.Emit(OpCodes.Conv_U1); break;
                case DType.Int8: _il.Emit(OpCodes.Conv_I1); break;
                case DType.Int16: _il.Emit(OpCodes.Conv_I2); break;
                case DType.Int32: _il.Emit(OpCodes.Conv_I4); break;
            }
        }
        _il.Emit(OpCodes.Stobj, slot.Element);
    }

    private static MethodInfo Scalars(string name) =>
        typeof(DeviceScalars).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"DeviceScalars.{name} is missing");
}

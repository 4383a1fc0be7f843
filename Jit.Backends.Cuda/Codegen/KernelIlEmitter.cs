using System.Reflection;
using System.Reflection.Emit;
using ILGPU;
using Jit.Codegen;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>
/// Emits one stage of a kernel scheduled by <see cref="GpuSchedule"/> as the IL of an explicitly
/// grouped ILGPU kernel, <c>static void Entry(KernelArgs args)</c>, following the launch ABI of
/// <see cref="GpuProgram"/> (buffer k is view V{k} at element offset L{k}; params follow the
/// offsets). The third emitter over the stages, beside CStylePrinter and the SPIR-V emitter, with
/// the same semantics (the oracle's ScalarMath): every integer is an int64 on the IL stack,
/// wrapped to its dtype after each operation; float16 and bfloat16 compute in float and round
/// after each operation; helpers live in <see cref="DeviceScalars"/>. Split by concern:
/// statements here, expressions in <c>.Exprs</c>, buffers in <c>.Memory</c>.
/// </summary>
internal sealed partial class KernelIlEmitter
{
    private readonly ILGenerator _il;
    private readonly GpuScheduledKernel _kernel;
    private readonly GpuStage _stage;
    private readonly Dictionary<Var, LocalBuilder> _vars = [];
    private readonly Dictionary<string, BufferSlot> _buffers = [];

    private KernelIlEmitter(ILGenerator il, GpuScheduledKernel kernel, GpuStage stage)
    {
        _il = il;
        _kernel = kernel;
        _stage = stage;
    }

    /// <summary>The buffers of the launch ABI in order: inputs, outputs, temporaries.</summary>
    public static IReadOnlyList<TeBuffer> GlobalBuffers(GpuScheduledKernel k) => [.. k.Kernel.Inputs, .. k.Kernel.Outputs, .. k.Temps];

    /// <summary>Defines entry <paramref name="stage"/> running <paramref name="body"/> on <paramref name="type"/>.</summary>
    public static void Define(TypeBuilder type, GpuScheduledKernel kernel, GpuStage stage, Stmt body)
    {
        int buffers = GlobalBuffers(kernel).Count;
        if (buffers > KernelArgs.MaxViews || buffers + kernel.Kernel.Params.Count > KernelArgs.MaxLongs)
            throw new JitIrException(
                $"kernel {kernel.Kernel.Name} has {buffers} buffers and {kernel.Kernel.Params.Count} params; a CUDA kernel takes at most {KernelArgs.MaxViews} buffers and {KernelArgs.MaxLongs} offsets and params together");
        var method = type.DefineMethod(KernelAssembly.MethodName(stage.Entry), MethodAttributes.Public | MethodAttributes.Static, typeof(void), [typeof(KernelArgs)]);
        var emitter = new KernelIlEmitter(method.GetILGenerator(), kernel, stage);
        emitter.EmitEntry(body);
    }

    private void EmitEntry(Stmt body)
    {
        EmitPrologue();
        if (_stage.Kind == GpuStageKind.Single)
        {
            // One work-item runs the stage.
            var run = _il.DefineLabel();
            EmitGlobalId();
            _il.Emit(OpCodes.Brfalse, run);
            _il.Emit(OpCodes.Ret);
            _il.MarkLabel(run);
        }
        EmitStmt(body);
        _il.Emit(OpCodes.Ret);
    }

    private void EmitPrologue()
    {
        var globals = GlobalBuffers(_kernel);
        for (int k = 0; k < globals.Count; k++) _buffers[globals[k].Name] = GlobalSlot(globals[k], k);
        var ps = _kernel.Kernel.Params;
        for (int p = 0; p < ps.Count; p++)
        {
            var local = _il.DeclareLocal(typeof(long));
            _il.Emit(OpCodes.Ldarga_S, (byte)0);
            _il.Emit(OpCodes.Ldfld, KernelArgsAccess.LongFields[globals.Count + p]);
            _il.Emit(OpCodes.Stloc, local);
            _vars[ps[p]] = local;
        }
    }

    private void EmitStmt(Stmt s)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) EmitStmt(x);
                break;
            case StoreStmt st:
                EmitStore(st.Buffer, st.Indices, () => EmitExpr(st.Value));
                break;
            case ReduceStmt r:
                EmitStore(r.Buffer, r.Indices, () => EmitExpr(r.Reducer.Combine(r.Buffer.Load(r.Indices), r.Value)));
                break;
            case IfStmt i:
            {
                var otherwise = _il.DefineLabel();
                var end = _il.DefineLabel();
                EmitExpr(i.Cond);
                _il.Emit(OpCodes.Brfalse, otherwise);
                EmitStmt(i.Then);
                _il.Emit(OpCodes.Br, end);
                _il.MarkLabel(otherwise);
                if (i.Else is not null) EmitStmt(i.Else);
                _il.MarkLabel(end);
                break;
            }
            case BarrierStmt:
                _il.Emit(OpCodes.Call, typeof(Group).GetMethod(nameof(Group.Barrier), Type.EmptyTypes)!);
                break;
            case ForStmt f:
                EmitFor(f);
                break;
            case AllocateStmt a:
                EmitAllocate(a);
                break;
            default:
                throw new JitIrException($"kernel {_kernel.Kernel.Name}: the CUDA emitter cannot emit {s.GetType().Name}");
        }
    }

    private void EmitFor(ForStmt f)
    {
        var i = _il.DeclareLocal(typeof(long));
        _vars[f.Index] = i;
        var kind = f.Annotation.Kind;
        if (kind == LoopKind.GpuThread && f.Start is IntImm { Value: 0 } && f.Stop is IntImm { Value: var n } && n == _stage.LocalSize)
        {
            // Every work-item of the group is one iteration: the body runs once, at its own index.
            EmitInt(typeof(Group), nameof(Group.IdxX));
            _il.Emit(OpCodes.Stloc, i);
            EmitStmt(f.Body);
            _vars.Remove(f.Index);
            return;
        }
        var stop = _il.DeclareLocal(typeof(long));
        var step = _il.DeclareLocal(typeof(long));
        EmitExpr(f.Stop);
        _il.Emit(OpCodes.Stloc, stop);
        EmitExpr(f.Start);
        switch (kind)
        {
            case LoopKind.GpuGlobal:
                EmitGlobalId();
                _il.Emit(OpCodes.Add);
                EmitInt(typeof(Grid), nameof(Grid.DimX));
                EmitInt(typeof(Group), nameof(Group.DimX));
                _il.Emit(OpCodes.Mul);
                break;
            case LoopKind.GpuBlock:
                EmitInt(typeof(Grid), nameof(Grid.IdxX));
                _il.Emit(OpCodes.Add);
                EmitInt(typeof(Grid), nameof(Grid.DimX));
                break;
            case LoopKind.GpuThread:
                EmitInt(typeof(Group), nameof(Group.IdxX));
                _il.Emit(OpCodes.Add);
                EmitInt(typeof(Group), nameof(Group.DimX));
                break;
            default:
                _il.Emit(OpCodes.Ldc_I8, 1L);
                break;
        }
        _il.Emit(OpCodes.Stloc, step);
        _il.Emit(OpCodes.Stloc, i);
        var cond = _il.DefineLabel();
        var body = _il.DefineLabel();
        _il.Emit(OpCodes.Br, cond);
        _il.MarkLabel(body);
        EmitStmt(f.Body);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldloc, step);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, i);
        _il.MarkLabel(cond);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldloc, stop);
        _il.Emit(OpCodes.Blt, body);
        _vars.Remove(f.Index);
    }

    /// <summary>Grid.IdxX * Group.DimX + Group.IdxX as int64.</summary>
    private void EmitGlobalId()
    {
        EmitInt(typeof(Grid), nameof(Grid.IdxX));
        EmitInt(typeof(Group), nameof(Group.DimX));
        _il.Emit(OpCodes.Mul);
        EmitInt(typeof(Group), nameof(Group.IdxX));
        _il.Emit(OpCodes.Add);
    }

    /// <summary>An int property of ILGPU's Grid or Group, pushed as int64.</summary>
    private void EmitInt(Type owner, string property)
    {
        _il.Emit(OpCodes.Call, owner.GetProperty(property, BindingFlags.Public | BindingFlags.Static)!.GetMethod!);
        _il.Emit(OpCodes.Conv_I8);
    }
}

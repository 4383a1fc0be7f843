using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Emits the IL of one generated method (the kernel body, or one outlined parallel loop) from
/// TE statements. Split by concern: statements and loops here, scalar expressions in
/// <c>.Exprs</c>, addresses/loads/stores in <c>.Memory</c>, the vectorized innermost loop in
/// <c>.Vector</c>. Values live on the IL stack as float32 (float32, float16, bfloat16: the
/// narrow types are rounded after every operation, as the evaluator does), float64, int64, or
/// int32 (every narrower integer and bool, kept wrapped).
/// </summary>
internal sealed partial class TeIlEmitter
{
    /// <summary>Where a buffer lives while the method runs.</summary>
    private sealed class BufferSlot(TeBuffer buffer)
    {
        public TeBuffer Buffer { get; } = buffer;
        public LocalBuilder? Pointer { get; set; }
        public LocalBuilder[] Strides { get; set; } = [];

        /// <summary>For a rank-0 temporary: the IL local holding its value.</summary>
        public LocalBuilder? Scalar { get; set; }
    }

    private readonly ILGenerator _il;
    private readonly TeIlCompiler.Plan _plan;
    private readonly int _vectorBits;
    private readonly Dictionary<Var, LocalBuilder> _vars = [];
    private readonly Dictionary<string, BufferSlot> _buffers = [];
    private int _tempVarCounter;

    // IL argument numbers shared by both generated signatures.
    private const short ArgBuffers = 0, ArgParams = 1, ArgContext = 2, ArgLo = 3, ArgHi = 4;

    public TeIlEmitter(ILGenerator il, TeIlCompiler.Plan plan, int vectorBits)
    {
        _il = il;
        _plan = plan;
        _vectorBits = vectorBits;
    }

    /// <summary>The whole kernel body.</summary>
    public void EmitKernel()
    {
        EmitPrologue();
        EmitStmt(_plan.Kernel.Body, loopDepth: 0, localScalars: 0);
        _il.Emit(OpCodes.Ret);
    }

    /// <summary>Outlined parallel loop <paramref name="loop"/> run over the argument range [lo, hi).</summary>
    public void EmitRegion(ForStmt loop)
    {
        EmitPrologue();
        var lo = _il.DeclareLocal(typeof(long));
        var hi = _il.DeclareLocal(typeof(long));
        _il.Emit(OpCodes.Ldarg_S, (byte)ArgLo);
        _il.Emit(OpCodes.Stloc, lo);
        _il.Emit(OpCodes.Ldarg_S, (byte)ArgHi);
        _il.Emit(OpCodes.Stloc, hi);
        EmitLoop(loop, lo, hi, loopDepth: 1, localScalars: 0);
        _il.Emit(OpCodes.Ret);
    }

    private void EmitPrologue()
    {
        // Params into locals, then every kernel-wide buffer's pointer and strides (strides are
        // expressions over the params, evaluated once per call).
        var ps = _plan.Kernel.Params;
        for (int p = 0; p < ps.Count; p++)
        {
            var local = _il.DeclareLocal(typeof(long));
            _il.Emit(OpCodes.Ldarg_1);
            _il.Emit(OpCodes.Ldc_I4, p * sizeof(long));
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Ldind_I8);
            _il.Emit(OpCodes.Stloc, local);
            _vars[ps[p]] = local;
        }
        for (int s = 0; s < _plan.Slots.Count; s++)
        {
            var slot = new BufferSlot(_plan.Slots[s]);
            slot.Pointer = _il.DeclareLocal(typeof(byte*));
            _il.Emit(OpCodes.Ldarg_0);
            _il.Emit(OpCodes.Ldc_I4, s * IntPtr.Size);
            _il.Emit(OpCodes.Add);
            _il.Emit(OpCodes.Ldind_I);
            _il.Emit(OpCodes.Stloc, slot.Pointer);
            slot.Strides = new LocalBuilder[slot.Buffer.Rank];
            for (int d = 0; d < slot.Buffer.Rank; d++)
            {
                slot.Strides[d] = _il.DeclareLocal(typeof(long));
                EmitIndex(slot.Buffer.Strides[d]);
                _il.Emit(OpCodes.Stloc, slot.Strides[d]);
            }
            _buffers[slot.Buffer.Name] = slot;
        }
    }

    private void EmitStmt(Stmt s, int loopDepth, int localScalars)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) EmitStmt(x, loopDepth, localScalars);
                break;
            case StoreStmt st:
                EmitStore(st);
                break;
            case ReduceStmt r:
                EmitReduce(r, null);
                break;
            case IfStmt i:
            {
                var elseLabel = _il.DefineLabel();
                var end = _il.DefineLabel();
                EmitExpr(i.Cond);
                _il.Emit(OpCodes.Brfalse, elseLabel);
                EmitStmt(i.Then, loopDepth, localScalars);
                _il.Emit(OpCodes.Br, end);
                _il.MarkLabel(elseLabel);
                if (i.Else is not null) EmitStmt(i.Else, loopDepth, localScalars);
                _il.MarkLabel(end);
                break;
            }
            case AllocateStmt a when a.Buffer.Rank == 0:
            {
                // A local scalar (a reduction's accumulator): an IL local, private to each thread.
                var slot = new BufferSlot(a.Buffer) { Scalar = _il.DeclareLocal(ClrStackType(a.Buffer.DType)) };
                _buffers[a.Buffer.Name] = slot;
                EmitStmt(a.Body, loopDepth, localScalars + 1);
                _buffers.Remove(a.Buffer.Name);
                break;
            }
            case AllocateStmt a:
                // Hoisted by the plan: the host allocates it once per call (a kernel-wide slot).
                EmitStmt(a.Body, loopDepth, localScalars);
                break;
            case ForStmt f:
            {
                var start = _il.DeclareLocal(typeof(long));
                var stop = _il.DeclareLocal(typeof(long));
                EmitIndex(f.Start);
                _il.Emit(OpCodes.Stloc, start);
                EmitIndex(f.Stop);
                _il.Emit(OpCodes.Stloc, stop);
                if (loopDepth == 0 && localScalars == 0 && _plan.RegionIndex.TryGetValue(f, out int region))
                {
                    // context.RunParallel(region, buffers, params, start, stop)
                    _il.Emit(OpCodes.Ldarg_2);
                    _il.Emit(OpCodes.Ldc_I4, region);
                    _il.Emit(OpCodes.Ldarg_0);
                    _il.Emit(OpCodes.Ldarg_1);
                    _il.Emit(OpCodes.Ldloc, start);
                    _il.Emit(OpCodes.Ldloc, stop);
                    _il.Emit(OpCodes.Callvirt, typeof(TeRunContext).GetMethod(nameof(TeRunContext.RunParallel))!);
                }
                else EmitLoop(f, start, stop, loopDepth + 1, localScalars);
                break;
            }
            default:
                throw new JitRuntimeException($"the IL compiler cannot emit {s.GetType().Name}");
        }
    }

    /// <summary><c>for (i = start; i &lt; stop; i++)</c>, vectorized when the loop qualifies.</summary>
    private void EmitLoop(ForStmt f, LocalBuilder start, LocalBuilder stop, int loopDepth, int localScalars)
    {
        var i = _il.DeclareLocal(typeof(long));
        _vars[f.Index] = i;
        var plan = _vectorBits > 0 ? TeVectorPlan.TryCreate(f, _buffers.Values.Where(b => b.Scalar is not null).Select(b => b.Buffer.Name).ToHashSet()) : null;
        if (plan is not null)
        {
            _plan.VectorizedLoops++;
            EmitVectorPrefix(plan, f, i, start, stop);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, start);
            _il.Emit(OpCodes.Stloc, i);
        }
        // The scalar loop (the whole loop, or the tail after the vector part).
        var cond = _il.DefineLabel();
        var body = _il.DefineLabel();
        _il.Emit(OpCodes.Br, cond);
        _il.MarkLabel(body);
        EmitStmt(f.Body, loopDepth, localScalars);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldc_I8, 1L);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, i);
        _il.MarkLabel(cond);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldloc, stop);
        _il.Emit(OpCodes.Blt, body);
        _vars.Remove(f.Index);
    }

    /// <summary>A fresh variable bound to a new local (reducer operands).</summary>
    private Var TempVar(DType dtype, out LocalBuilder local)
    {
        var v = new Var($"__il_tmp{_tempVarCounter++}", dtype);
        local = _il.DeclareLocal(ClrStackType(dtype));
        _vars[v] = local;
        return v;
    }

    /// <summary>The CLR type of a value of <paramref name="t"/> on the IL stack.</summary>
    internal static Type ClrStackType(DType t) => t switch
    {
        DType.Float32 or DType.Float16 or DType.BFloat16 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int64 => typeof(long),
        _ => typeof(int),
    };
}

using Jit.Errors;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen.Spirv;

/// <summary>
/// Emits a kernel scheduled by <see cref="GpuSchedule"/> as one SPIR-V module (see
/// <see cref="SpirvProgram"/> for the ABI). Values have the oracle's semantics as in
/// <see cref="CStylePrinter"/>: integers wrap at their width, max/min propagate NaN, integer
/// division by 0 gives 0, float-to-int casts saturate, Python floor division and remainder.
/// Every loop index and private scalar is a Function variable; loops and ifs are structured.
/// </summary>
internal sealed partial class SpirvKernelEmitter
{
    private readonly SpirvModuleBuilder _m = new();
    private readonly Dictionary<string, (TeBuffer Buffer, BufferScope Scope, uint Variable)> _buffers = [];
    private readonly Dictionary<string, int> _bindings = [];
    private readonly Dictionary<Var, uint> _locals = [];
    private readonly Dictionary<Var, int> _params = [];
    private readonly List<string> _features = ["shaderInt64"];
    private uint _arguments, _globalId, _localId, _groupId, _numGroups;
    private uint _argumentStorage = SpvStorage.PushConstant;
    private int _argumentCount;
    // The argument block's members, loaded once at each entry point's start (see Entry).
    private uint[] _argumentValues = [];
    private int _localSize;

    /// <summary>The module for <paramref name="scheduled"/>; throws <see cref="JitIrException"/> for a dtype or construct not supported.</summary>
    public static SpirvProgram Emit(GpuScheduledKernel scheduled, int maxPushConstantBytes = int.MaxValue)
    {
        var e = new SpirvKernelEmitter();
        var k = scheduled.Kernel;
        var stmts = GpuSchedule.StageStatements(k);
        if (stmts.Count != scheduled.Stages.Count)
            throw new JitIrException($"kernel {k.Name} has {stmts.Count} stage statements for {scheduled.Stages.Count} stages");
        e.Declare(k, scheduled.Temps, maxPushConstantBytes);
        for (int s = 0; s < stmts.Count; s++)
        {
            var stage = scheduled.Stages[s];
            e.Entry(stage, stmts[s]);
            if (stage.Serial is { } serial) e.Entry(new GpuStage(serial.Entry, GpuStageKind.Elementwise, stage.Work, stage.LocalSize), serial.Body);
        }
        return new SpirvProgram(k, e._m.ToWords(), scheduled.Stages, scheduled.Temps)
        {
            RequiredFeatures = e._features.Distinct().ToList(),
            ArgumentsInBuffer = e._argumentStorage == SpvStorage.StorageBuffer,
        };
    }

    // The module-scope interface: storage buffers, the argument block (push constants, or a
    // read-only storage buffer after the others when the block is larger than the device allows),
    // the built-in ids.
    private void Declare(TeKernel k, IReadOnlyList<TeBuffer> temps, int maxPushConstantBytes)
    {
        _m.Capability(SpvCapability.Shader);
        _m.Capability(SpvCapability.Int64);
        var globals = k.Inputs.Concat(k.Outputs).Concat(temps).ToList();
        for (int i = 0; i < globals.Count; i++)
        {
            var b = globals[i];
            uint element = StorageType(b.DType);
            uint block = _m.TypeStruct(_m.TypeRuntimeArray(element, b.DType == DType.Bool ? 1 : b.DType.ElementSize()));
            _m.MemberDecorate(block, 0, SpvDecoration.Offset, 0);
            _m.Decorate(block, SpvDecoration.Block);
            uint v = _m.GlobalVariable(_m.TypePointer(SpvStorage.StorageBuffer, block), SpvStorage.StorageBuffer);
            _m.Decorate(v, SpvDecoration.DescriptorSet, 0);
            _m.Decorate(v, SpvDecoration.Binding, (uint)i);
            _m.Name(v, b.Name);
            _buffers[b.Name] = (b, BufferScope.Global, v);
            _bindings[b.Name] = i;
        }
        for (int p = 0; p < k.Params.Count; p++) _params[k.Params[p]] = globals.Count + p;
        int members = globals.Count + k.Params.Count;
        _argumentCount = members;
        if (members > 0)
        {
            uint block = _m.TypeStruct(Enumerable.Repeat(Int64, members).ToArray());
            for (int i = 0; i < members; i++) _m.MemberDecorate(block, (uint)i, SpvDecoration.Offset, (uint)(8 * i));
            _m.Decorate(block, SpvDecoration.Block);
            if (8 * members > maxPushConstantBytes) _argumentStorage = SpvStorage.StorageBuffer;
            _arguments = _m.GlobalVariable(_m.TypePointer(_argumentStorage, block), _argumentStorage);
            _m.Name(_arguments, "offsets_and_params");
            if (_argumentStorage == SpvStorage.StorageBuffer)
            {
                _m.Decorate(_arguments, SpvDecoration.NonWritable);
                _m.Decorate(_arguments, SpvDecoration.DescriptorSet, 0);
                _m.Decorate(_arguments, SpvDecoration.Binding, (uint)globals.Count);
            }
        }
        _globalId = BuiltIn(SpvBuiltIn.GlobalInvocationId, "global_id");
        _localId = BuiltIn(SpvBuiltIn.LocalInvocationId, "local_id");
        _groupId = BuiltIn(SpvBuiltIn.WorkgroupId, "group_id");
        _numGroups = BuiltIn(SpvBuiltIn.NumWorkgroups, "num_groups");
    }

    private uint BuiltIn(uint builtIn, string name)
    {
        uint v = _m.GlobalVariable(_m.TypePointer(SpvStorage.Input, _m.TypeVector(_m.TypeInt(32, false), 3)), SpvStorage.Input);
        _m.Decorate(v, SpvDecoration.BuiltIn, builtIn);
        _m.Name(v, name);
        return v;
    }

    private void Entry(GpuStage stage, Stmt stmt)
    {
        _localSize = stage.LocalSize;
        uint fn = _m.BeginFunction();
        _m.Name(fn, stage.Entry);
        // Offsets and params are loaded once, in the entry block, so they dominate every use: a
        // driver cannot always hoist loads from a storage buffer out of loops that write others.
        _argumentValues = new uint[_argumentCount];
        for (int i = 0; i < _argumentCount; i++) _argumentValues[i] = LoadArgument(i);
        if (stage.Kind == GpuStageKind.Single) If(_m.Result(SpirvOp.IEqual, Bool, Id(_globalId), Const(0)), () => Statement(stmt), null);
        else Statement(stmt);
        _m.EndFunction();
        _m.EntryPoint(fn, stage.Entry, stage.LocalSize, [_globalId, _localId, _groupId, _numGroups]);
    }

    // Axis 0 of a uvec3 built-in as int64.
    private uint Id(uint builtIn)
    {
        uint u32 = _m.TypeInt(32, false), u64 = _m.TypeInt(64, false);
        uint vec = _m.Result(SpirvOp.Load, _m.TypeVector(u32, 3), builtIn);
        uint x = _m.Result(SpirvOp.CompositeExtract, u32, vec, 0);
        return _m.Result(SpirvOp.Bitcast, Int64, _m.Result(SpirvOp.UConvert, u64, x));
    }

    private void Statement(Stmt s)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) Statement(x);
                break;
            case StoreStmt st:
                Store(st.Buffer, st.Indices, E(st.Value));
                break;
            case ReduceStmt r:
                Store(r.Buffer, r.Indices, E(r.Reducer.Combine(r.Buffer.Load(r.Indices), r.Value)));
                break;
            case ForStmt f:
                For(f);
                break;
            case IfStmt i:
                If(E(i.Cond), () => Statement(i.Then), i.Else is null ? null : () => Statement(i.Else));
                break;
            case BarrierStmt:
                // Workgroup execution scope, Workgroup memory scope, AcquireRelease | WorkgroupMemory.
                _m.Emit(SpirvOp.ControlBarrier, _m.ConstantUInt32(2), _m.ConstantUInt32(2), _m.ConstantUInt32(0x108));
                break;
            case AllocateStmt a:
                Allocate(a);
                break;
            default:
                throw new JitIrException($"cannot emit statement {s.GetType().Name} as SPIR-V");
        }
    }

    private void For(ForStmt f)
    {
        var a = f.Annotation;
        if (a.Kind is LoopKind.GpuGlobal or LoopKind.GpuBlock or LoopKind.GpuThread && a.Axis != 0)
            throw new JitIrException($"loop {f.Index.Name}: only axis 0 of a GPU grid is emitted as SPIR-V, not axis {a.Axis}");
        uint Plus(uint id) => f.Start is IntImm { Value: 0 } ? id : _m.Result(SpirvOp.IAdd, Int64, E(f.Start), id);
        switch (a.Kind)
        {
            case LoopKind.GpuGlobal:
                Loop(f.Index, () => Plus(Id(_globalId)), f.Stop, () => _m.Result(SpirvOp.IMul, Int64, Id(_numGroups), Const(_localSize)), f.Body);
                break;
            case LoopKind.GpuBlock:
                Loop(f.Index, () => Plus(Id(_groupId)), f.Stop, () => Id(_numGroups), f.Body);
                break;
            case LoopKind.GpuThread when f.Start is IntImm { Value: 0 } && f.Stop is IntImm { Value: var n } && n == _localSize:
                _m.Emit(SpirvOp.Store, Local(f.Index), Id(_localId));
                Statement(f.Body);
                _locals.Remove(f.Index);
                break;
            case LoopKind.GpuThread:
                Loop(f.Index, () => Plus(Id(_localId)), f.Stop, () => Const(_localSize), f.Body);
                break;
            default:
                Loop(f.Index, () => E(f.Start), f.Stop, () => Const(1), f.Body);
                break;
        }
    }

    // header: merge decl -> cond: i < stop ? body : merge -> body -> continue: i += step -> header.
    private void Loop(Var index, Func<uint> start, Expr stop, Func<uint> step, Stmt body)
    {
        uint ptr = Local(index);
        _m.Emit(SpirvOp.Store, ptr, start());
        uint header = _m.NewId(), cond = _m.NewId(), bodyLabel = _m.NewId(), cont = _m.NewId(), merge = _m.NewId();
        _m.Branch(header);
        _m.Label(header);
        _m.LoopMerge(merge, cont);
        _m.Branch(cond);
        _m.Label(cond);
        uint i = _m.Result(SpirvOp.Load, Ty(index.VarType), ptr);
        _m.BranchConditional(_m.Result(SpirvOp.SLessThan, Bool, i, E(stop)), bodyLabel, merge);
        _m.Label(bodyLabel);
        Statement(body);
        _m.Branch(cont);
        _m.Label(cont);
        uint now = _m.Result(SpirvOp.Load, Ty(index.VarType), ptr);
        _m.Emit(SpirvOp.Store, ptr, _m.Result(SpirvOp.IAdd, Ty(index.VarType), now, step()));
        _m.Branch(header);
        _m.Label(merge);
        _locals.Remove(index);
    }

    private void If(uint cond, Action then, Action? otherwise)
    {
        uint thenLabel = _m.NewId(), merge = _m.NewId(), elseLabel = otherwise is null ? merge : _m.NewId();
        _m.SelectionMerge(merge);
        _m.BranchConditional(cond, thenLabel, elseLabel);
        _m.Label(thenLabel);
        then();
        _m.Branch(merge);
        if (otherwise is not null)
        {
            _m.Label(elseLabel);
            otherwise();
            _m.Branch(merge);
        }
        _m.Label(merge);
    }

    // A Function variable holding a loop index or let-bound scalar.
    private uint Local(Var v)
    {
        uint ptr = _m.LocalVariable(_m.TypePointer(SpvStorage.Function, Ty(v.VarType)));
        _m.Name(ptr, v.Name);
        _locals[v] = ptr;
        return ptr;
    }

    private void Allocate(AllocateStmt a)
    {
        var b = a.Buffer;
        uint t = Ty(b.DType);
        uint v;
        switch (a.Scope)
        {
            case BufferScope.Local:
                v = _m.GlobalVariable(_m.TypePointer(SpvStorage.Workgroup, _m.TypeArray(t, ConstantSize(b, 0))), SpvStorage.Workgroup);
                break;
            case BufferScope.Private or BufferScope.Auto:
                v = _m.LocalVariable(_m.TypePointer(SpvStorage.Function, b.Rank == 0 ? t : _m.TypeArray(t, ConstantSize(b, 0))));
                break;
            case BufferScope.PerWorkItem:
                v = _m.LocalVariable(_m.TypePointer(SpvStorage.Function, _m.TypeArray(t, ConstantSize(b, 1))));
                break;
            default:
                throw new JitIrException($"global allocation {b.Name} inside a stage: only top-level temporaries can be global");
        }
        _m.Name(v, b.Name);
        var scope = a.Scope == BufferScope.Auto ? BufferScope.Private : a.Scope;
        _buffers[b.Name] = (b, scope, v);
        Statement(a.Body);
        _buffers.Remove(b.Name);
    }

    // The number of elements of a private or local buffer, from dim firstDim on.
    private static long ConstantSize(TeBuffer b, int firstDim)
    {
        long n = 1;
        for (int d = firstDim; d < b.Rank; d++)
        {
            n *= TeSimplifier.Simplify(b.Sizes[d]) is IntImm { Value: >= 0 } c ? c.Value
                : throw new JitIrException($"buffer {b.Name} in private or local memory needs constant sizes, has {b.Sizes[d]}");
        }
        return Math.Max(n, 1);
    }
}

using Jit.Errors;
using Jit.Ir;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime.Host;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// Turns an optimized graph into a <see cref="StaticModuleParts"/> for one input signature:
/// specializes a copy (complete shapes, then the size queries and checks they decide are folded),
/// numbers the values into frame slots, asks the <see cref="MemoryPlanner"/> for the arena and
/// lowers every node to a step.
/// </summary>
internal sealed partial class StaticModuleBuilder
{
    private readonly Graph _graph;
    private readonly IBackend _backend;
    // Runs tensor ops the device has no kernel for (null where none was given, or the backend is the host).
    private readonly IBackend? _host;
    // The device copies of tensor constants (null on the host).
    private readonly DeviceConstants? _constants;
    private readonly List<string> _hostStepNodes = [];
    // Lowering the fallback branch of a fusion guard: it runs only when the guard fails, which a
    // plan's own signature never makes it do, so its host steps are not counted.
    private bool _inGuardFallback;
    private readonly Dictionary<Value, int> _slots = [];
    private readonly List<IValue> _template = [];
    private readonly HashSet<Node> _outVariant = [];
    private readonly HashSet<Node> _precomputed = [];
    private readonly List<string> _kernelNodes = [];
    private int _maxIn, _maxOut, _maxCarried, _viewCaches;

    private StaticModuleBuilder(Graph graph, IBackend backend, IBackend? host, DeviceConstants? constants)
    {
        _graph = graph;
        _backend = backend;
        _host = backend.IsHost ? null : host;
        _constants = constants;
    }

    /// <summary>
    /// Plans <paramref name="optimized"/>. On a device backend, <paramref name="host"/> (a host
    /// backend, such as the CPU) folds constants and runs the ops the device has no kernel for as
    /// explicit host steps, and <paramref name="constants"/> holds the uploaded weights.
    /// </summary>
    public static StaticModuleParts Build(Graph optimized, IBackend backend, ReadOnlySpan<IValue> inputs, IValue? self, bool manageOutputs, bool fuse,
        IBackend? host = null, DeviceConstants? constants = null)
    {
        var signature = InputSignature.Of(inputs);
        var full = new List<IValue>(inputs.Length + 1);
        if (self is { } s) full.Add(s);
        foreach (var v in inputs) full.Add(v);
        if (full.Count != optimized.Inputs.Count)
            throw new JitTypeException(
                $"the graph takes {optimized.Inputs.Count - (self is null ? 0 : 1)} inputs ({string.Join(", ", optimized.Inputs.Skip(self is null ? 0 : 1).Select(v => "%" + v.DisplayName + " : " + v.Type))}) but {inputs.Length} were given");
        for (int i = 0; i < full.Count; i++)
            ValueTypes.Check(full[i], optimized.Inputs[i].Type, $"input {i} (%{optimized.Inputs[i].DisplayName})");

        if (!backend.IsHost && constants is null)
            throw new JitRuntimeException($"a plan for device '{backend.Device}' needs a DeviceConstants for its weights");
        var graph = Specialize(optimized, full, backend, fuse, backend.IsHost ? backend : host);
        var b = new StaticModuleBuilder(graph, backend, host, constants);
        return b.Finish(signature, full, self is not null, manageOutputs);
    }


    /// <summary>
    /// A copy of the graph with complete types for these inputs, fused where the backend compiles
    /// fusion groups. With every size known, dim/size/len
    /// fold to constants, the shape checks they feed (<c>if x.dim() != 4: raise</c>) fold away, and
    /// types are propagated again over what is left. Device queries fold to the backend's device,
    /// and lists built by appends (a model collecting those answers) to single constructions, so the
    /// device checks in front of a fast path fold too and the path's ops become top-level steps
    /// that the memory planner can give planned outputs. Number inputs are constants of the plan
    /// (its signature fixes them), so loops whose trip counts follow from them and the sizes unroll.
    /// Constant folding runs on <paramref name="folding"/> (the host), never on a device.
    /// </summary>
    private static Graph Specialize(Graph optimized, List<IValue> inputs, IBackend backend, bool fuse, IBackend? folding)
    {
        var graph = optimized.Copy();
        UseNumberInputsAsConstants(graph, inputs);
        ShapeAnalysis.PropagateComplete(graph, inputs);
        // Complete sizes and dtypes may prove residual adds the symbolic pass could not fuse into
        // their conv, and in-place ops (resnet's `out += identity; relu_(out)`) safe to make functional.
        // With sizes and numbers known, small loops have known trip counts: unrolled, their bodies
        // become top-level steps the memory planner places (then fold again).
        if (new PassManager([new FoldDeviceQueries(backend.Device), new RemoveListMutation(), new Peephole(),
                new ConstantPropagation(folding), new EliminateDeadCode(), new LoopUnrolling(), new RemoveListMutation(),
                new Peephole(), new ConstantPropagation(folding), new EliminateDeadCode(), new RemoveTensorMutation(), new FuseConvAddRelu()]).Run(graph))
            ShapeAnalysis.PropagateComplete(graph, inputs);
        // Fusion pays only where the backend compiles groups; the shapes are complete here. On the CPU
        // a compiled group still costs a few µs per call (binding, pinning, temporaries), more than
        // two or three planned out-variant ops, so small groups stay unfused unless their tensors are
        // large (IBackend.MinFusionGroupElements); on a device every lowerable op is a group, since
        // an op needs a device kernel anyway (IBackend.MinFusionGroupSize).
        var fusion = new TensorExprFuserOptions { MinGroupSize = backend.MinFusionGroupSize, MinGroupElements = backend.MinFusionGroupElements };
        if (fuse && backend.FusedKernelCompiler is not null && new TensorExprFuser(fusion).Run(graph))
            ShapeAnalysis.PropagateComplete(graph, inputs); // types the guards' fallback branches, and so the guarded Ifs' outputs
        if (!backend.IsHost) PlaceOnDevice(graph, backend.Device);
        return graph;
    }

    private int Slot(Value v)
    {
        if (_slots.TryGetValue(v, out int s)) return s;
        s = _template.Count;
        _slots[v] = s;
        _template.Add(default);
        return s;
    }

    private int[] Slots(IEnumerable<Value> values) => values.Select(Slot).ToArray();

    private StaticModuleParts Finish(InputSignature signature, List<IValue> inputs, bool boundSelf, bool manageOutputs)
    {
        var inputSlots = Slots(_graph.Inputs);
        if (boundSelf) _template[inputSlots[0]] = inputs[0];
        CompileGroupsInto();
        FindFreshIfs();
        FindReusedLists();
        foreach (var n in _graph.AllNodes())
        {
            foreach (var b in n.Blocks) Slots(b.Inputs);
            Slots(n.Outputs);
            if (n.Kind == "prim::Constant")
                _template[Slot(n.Output())] = _constants is null ? Constants.Evaluate(n) : _constants.Upload(Constants.Evaluate(n));
        }

        foreach (var n in _graph.Block.Nodes)
            if (HasOutVariant(n)) _outVariant.Add(n);
        bool WritesFresh(Node n) => _outVariant.Contains(n) || _freshIfs.Contains(n);
        var memory = MemoryPlanner.Plan(_graph, WritesFresh, manageOutputs);
        var plannedSlots = memory.Tensors.Select(t => Slot(t.Value)).ToArray();
        var views = FindPrecomputedViews(memory);

        var outputs = _graph.Outputs;
        var outputTuples = FindOutputTuples();
        var planned = memory.Tensors.Select(t => t.Value).ToHashSet();
        var destinations = new List<Destination>();
        foreach (var n in _graph.Block.Nodes.Where(WritesFresh))
        {
            foreach (var v in n.Outputs)
            {
                if (planned.Contains(v)) continue;
                var t = (TensorType)v.Type;
                var (output, item) = ReturnedAt(v, outputTuples);
                destinations.Add(new Destination(Slot(v), t.DType!.Value, t.ConcreteSizes!, output, item));
            }
        }

        var steps = Lower(_graph.Block);
        var fixedSlots = new HashSet<int>(plannedSlots);
        fixedSlots.UnionWith(views.SelectMany(v => v.Slots));
        fixedSlots.UnionWith(_reusedLists.Values.Select(l => l.Slot));
        for (int i = 0; i < _template.Count; i++)
            if (!_template[i].IsNone) fixedSlots.Add(i);
        var transient = Enumerable.Range(0, _template.Count).Where(i => !fixedSlots.Contains(i)).ToArray();
        if (!_backend.Kernels.TryGet("aten::copy_", out var copy))
            throw new JitSchemaException($"the static runtime needs aten::copy_ on device '{_backend.Device}'");
        return new StaticModuleParts(_graph, _backend, signature, manageOutputs, memory, steps, [.. _template],
            boundSelf ? inputSlots[1..] : inputSlots, Slots(outputs), outputTuples, plannedSlots, views, [.. destinations], [.. _reusedLists.Values], transient,
            Math.Max(1, _maxIn), Math.Max(1, _maxOut), _maxCarried, copy, _outVariant.Count, _kernelNodes, _hostStepNodes, _viewCaches);
    }

    private static bool IsStructural(Node n) =>
        n.Kind is "prim::Constant" or "prim::If" or "prim::Loop" || StructuralStep.Handles(n.Kind);

    /// <summary>A top-level node whose out-variant can run: static dtype and sizes for every output.</summary>
    private bool HasOutVariant(Node n) =>
        !IsStructural(n) && n.Blocks.Count == 0 && n.Outputs.Count > 0
        && n.Outputs.All(o => o.Type is TensorType { DType: not null, ConcreteSizes: not null })
        && (n.Kind == Interpreter.TensorExprGroupKind
            ? _groupsInto.ContainsKey(n)
            : TryOverloadName(n, out string name) && _backend.Kernels.TryGetOut(name, out _) && DeviceDeclines(n, name) is null);

    // The node's overload, or false where no overload matches its static types (see UnresolvedStep).
    private static bool TryOverloadName(Node n, out string name)
    {
        try
        {
            name = n.Schema.QualifiedOverloadName;
            return true;
        }
        catch (JitSchemaException)
        {
            name = "";
            return false;
        }
    }

    /// <summary>
    /// Views with constant arguments of planned memory (flatten, view, transpose of an arena tensor;
    /// chunk or split into a list that is only unpacked, and its unpacking): one probe arena checks
    /// that the kernel really returns views, then each runtime makes them once. A kernel that copies
    /// instead (reshape of a non-viewable layout) stays a step.
    /// </summary>
    private PrecomputedView[] FindPrecomputedViews(MemoryPlan memory)
    {
        // The probe runs the backend's kernels on a host arena: only a host backend can.
        if (memory.Tensors.Count == 0 || !_backend.IsHost) return [];
        var probe = new IValue[_template.Count];
        _template.CopyTo(probe);
        var arena = new byte[memory.ArenaBytes];
        foreach (var t in memory.Tensors)
            probe[Slot(t.Value)] = new Tensor(new TensorStorage(arena.AsMemory((int)t.Offset, (int)t.Bytes)), t.DType, t.Sizes, ShapeUtil.ContiguousStrides(t.Sizes));
        var known = memory.Tensors.Select(t => t.Value).ToHashSet();
        var views = new List<PrecomputedView>();
        foreach (var n in _graph.Block.Nodes)
        {
            if (n.Kind == "prim::ListUnpack" && known.Contains(n.Input(0)) && probe[Slot(n.Input(0))].AsList.Count == n.Outputs.Count)
            {
                var items = probe[Slot(n.Input(0))].AsList;
                for (int i = 0; i < n.Outputs.Count; i++) probe[Slot(n.Outputs[i])] = items[i];
                known.UnionWith(n.Outputs);
                _precomputed.Add(n);
                views.Add(new PrecomputedView(Slots(n.Outputs), UnpackList, Slots(n.Inputs)));
                continue;
            }
            if (IsStructural(n) || _outVariant.Contains(n) || n.Outputs.Count != 1 || !IsViewType(n.Output())) continue;
            if (!n.Inputs.Any(known.Contains) || !n.Inputs.All(v => known.Contains(v) || v.Node.Kind == "prim::Constant")) continue;
            if (!TryOverloadName(n, out _)) continue;
            var ret = n.Schema.Returns;
            if (ret.Count != 1 || (ret[0].Alias ?? ret[0].ElementAlias) is not { IsWrite: false } || n.Schema.IsMutable) continue;
            if (!_backend.Kernels.TryGet(n.Schema.QualifiedOverloadName, out var kernel)) continue;
            var ins = n.Inputs.Select(v => probe[Slot(v)]).ToArray();
            var outs = new IValue[1];
            try { kernel(ins, outs); }
            catch (JitException) { continue; }
            if (!IsViewOf(outs[0], ins)) continue;
            probe[Slot(n.Output())] = outs[0];
            known.Add(n.Output());
            _precomputed.Add(n);
            views.Add(new PrecomputedView([Slot(n.Output())], kernel, Slots(n.Inputs)));
        }
        return [.. views];
    }

    /// <summary>
    /// An op returning one tensor that aliases an argument, writing nothing, whose arguments other
    /// than tensors are constants of the plan: a view of its tensor arguments (see <see cref="CachedViewStep"/>).
    /// </summary>
    private static bool IsConstantArgumentView(Node n)
    {
        if (n.Outputs.Count != 1 || n.Output().Type is not TensorType || !TryOverloadName(n, out _)) return false;
        var schema = n.Schema;
        if (schema.IsMutable || schema.Returns.Count != 1 || schema.Returns[0].Alias is not { IsWrite: false }) return false;
        // One tensor, the one viewed: another tensor argument might be read for its values (narrow's start).
        return n.Inputs.Count > 0 && n.Inputs[0].Type is TensorType && n.Inputs.Skip(1).All(v => v.Type is not TensorType && v.Node.Kind == "prim::Constant");
    }

    // A tensor, or a list of tensors nothing but ListUnpack reads (so no one changes or keeps the list).
    private static bool IsViewType(Value v) =>
        v.Type is TensorType || (v.Type is ListType { Element: TensorType } && v.Uses.All(u => u.User.Kind == "prim::ListUnpack"));

    private static bool IsViewOf(IValue result, IValue[] inputs)
    {
        if (result.IsList) return result.AsList.Items.All(item => IsViewOf(item, inputs));
        return result.IsTensor && inputs.Any(i => i.IsTensor && ReferenceEquals(i.AsTensor.Storage, result.AsTensor.Storage));
    }

    private static void UnpackList(ReadOnlySpan<IValue> inputs, Span<IValue> outputs)
    {
        var items = inputs[0].AsList;
        for (int i = 0; i < outputs.Length; i++) outputs[i] = items[i];
    }

    private StaticStep[] Lower(Block block)
    {
        var steps = new List<StaticStep>();
        foreach (var n in block.Nodes)
        {
            if (n.Kind == "prim::Constant" || _precomputed.Contains(n) || _returnedTuples.Contains(n)) continue;
            var step = LowerNode(n);
            _maxIn = Math.Max(_maxIn, n.Inputs.Count);
            _maxOut = Math.Max(_maxOut, n.Outputs.Count);
            steps.Add(step);
        }
        return [.. steps];
    }

    private StaticStep LowerNode(Node n)
    {
        switch (n.Kind)
        {
            case "prim::If":
            {
                var then = Lower(n.Blocks[0]);
                bool outer = _inGuardFallback;
                _inGuardFallback |= n.Input(0).Node.Kind == Interpreter.TypeCheckKind;
                var otherwise = Lower(n.Blocks[1]);
                _inGuardFallback = outer;
                return new IfStep(n, Slot(n.Input(0)), then, Slots(n.Blocks[0].Outputs),
                    otherwise, Slots(n.Blocks[1].Outputs), Slots(n.Outputs), copyIntoOutputs: _freshIfs.Contains(n));
            }
            case "prim::Loop":
            {
                var body = n.Blocks[0];
                _maxCarried = Math.Max(_maxCarried, n.Inputs.Count - 2);
                return new LoopStep(n, Slot(n.Input(0)), Slot(n.Input(1)), Slots(n.Inputs.Skip(2)),
                    Lower(body), Slots(body.Inputs), Slots(body.Outputs), Slots(n.Outputs));
            }
            case "prim::CallMethod" or "prim::CallFunction":
                throw new JitRuntimeException($"{n.Kind} must be inlined before the graph can run");
            case Interpreter.TypeCheckKind:
                return new TypeCheckStep(n, n.GetAttribute("types")?.Value as JitType[]
                    ?? throw new JitRuntimeException("prim::TypeCheck has no 'types' attribute"), _backend.Device, Slots(n.Inputs), Slots(n.Outputs));
            case Interpreter.TensorExprGroupKind when _outVariant.Contains(n):
                return new OutKernelStep(n, _groupsInto[n], Slots(n.Inputs), Slots(n.Outputs));
            case Interpreter.TensorExprGroupKind:
            {
                var subgraph = n.GetAttribute(Jit.Ir.Text.IrPrinter.SubgraphAttribute)?.Value as Graph
                               ?? throw new JitRuntimeException($"{n.Kind} has no subgraph");
                // Compiled once per plan; a group the compiler declines runs interpreted, as in the interpreter
                // (on a device: interpreted on the host, an explicit host step).
                if (_backend.FusedKernelCompiler?.TryCompile(subgraph) is { } groupKernel)
                    return new KernelStep(n, groupKernel, Slots(n.Inputs), Slots(n.Outputs));
                if (_backend.IsHost) return new KernelStep(n, InterpretedFusedKernel.Create(subgraph, _backend), Slots(n.Inputs), Slots(n.Outputs));
                if (_host is null) return new UnresolvedStep(n, new JitSchemaException($"no kernel for a fusion group on device '{_backend.Device}', and no host backend to run it"));
                if (!_inGuardFallback) _hostStepNodes.Add(Interpreter.TensorExprGroupKind);
                return HostStepFor(n, InterpretedFusedKernel.Create(subgraph, _host));
            }
        }
        if (_reusedLists.TryGetValue(n, out var list)) return new ReusedListStep(n, Slots(n.Inputs), list.Slot);
        if (StructuralStep.Handles(n.Kind)) return StructuralStep.Create(n, Slots(n.Inputs), Slots(n.Outputs));
        string name;
        try
        {
            name = n.Schema.QualifiedOverloadName;
        }
        catch (JitSchemaException e)
        {
            return new UnresolvedStep(n, e);
        }
        if (_outVariant.Contains(n) && _backend.Kernels.TryGetOut(name, out var outKernel))
            return new OutKernelStep(n, outKernel, Slots(n.Inputs), Slots(n.Outputs));
        if (_backend.IsHost && IsConstantArgumentView(n) && _backend.Kernels.TryGet(name, out var viewKernel))
            return new CachedViewStep(n, viewKernel, Slots(n.Inputs), Slot(n.Output()), _viewCaches++);
        if (_backend.Kernels.TryGet(name, out var kernel) && DeviceDeclines(n, name) is null)
        {
            if (n.Outputs.Any(o => o.Type is TensorType)) _kernelNodes.Add(name);
            return new KernelStep(n, kernel, Slots(n.Inputs), Slots(n.Outputs));
        }
        if (_backend.IsHost)
        {
            if (HostKernels.Table.TryGet(name, out kernel)) return new KernelStep(n, kernel, Slots(n.Inputs), Slots(n.Outputs));
            return new UnresolvedStep(n, new JitSchemaException($"no kernel for {name} on device '{_backend.Device}'"));
        }
        if (HostKernels.Table.TryGet(name, out kernel) || (_host is not null && _host.Kernels.TryGet(name, out kernel)))
        {
            if (!ReadsMetadataOnly(n) && !_inGuardFallback) _hostStepNodes.Add(name);
            return HostStepFor(n, kernel);
        }
        return new UnresolvedStep(n, new JitSchemaException(
            $"no kernel for {name} on device '{_backend.Device}'{(_host is null ? ", and no host backend to run it" : "")}"));
    }

    private HostStep HostStepFor(Node n, OpKernel hostKernel)
    {
        var written = new bool[n.Inputs.Count];
        if (n.Kind != Interpreter.TensorExprGroupKind && TryOverloadName(n, out _))
        {
            var args = n.Schema.Arguments;
            for (int i = 0; i < written.Length && i < args.Count; i++) written[i] = args[i].IsWrite;
        }
        return new HostStep(n, hostKernel, Slots(n.Inputs), Slots(n.Outputs), written, _backend.Allocator!, ReadsMetadataOnly(n));
    }

    /// <summary>
    /// Ops that may need only sizes and strides of their tensors: views (a return aliasing an
    /// argument, nothing written) and ops with no tensor result (size, dim). They run on the device
    /// tensors themselves; an op that turns out to read data takes copies (see <see cref="HostStep"/>).
    /// </summary>
    private static bool ReadsMetadataOnly(Node n)
    {
        if (n.Kind == Interpreter.TensorExprGroupKind || !TryOverloadName(n, out _)) return false;
        // A list op that writes only its list (append, insert): on the frame's own list, not a
        // host copy of it that the op would grow while the plan's list stays as it was.
        if (n.Schema.IsMutable) return n.Schema.Arguments.All(a => a.Alias is not { IsWrite: true } || a.Type is ListType);
        if (n.Outputs.All(o => !ContainsTensor(o.Type))) return true;
        var ret = n.Schema.Returns;
        return ret.Count == n.Outputs.Count && ret.All(r => (r.Alias ?? r.ElementAlias) is { IsWrite: false });
    }

    private static bool ContainsTensor(JitType t) => t switch
    {
        TensorType => true,
        ListType l => ContainsTensor(l.Element),
        TupleType tt => tt.Elements.Any(ContainsTensor),
        OptionalType o => ContainsTensor(o.Element),
        _ => false,
    };

    /// <summary>
    /// Every tensor value of a device plan is on the plan's device (inputs are uploaded at the
    /// edge, constants once): the types say so, so that fusion guards check the real device.
    /// </summary>
    private static void PlaceOnDevice(Graph graph, Device device)
    {
        // Only types that name a device (the complete ones shape analysis recorded) change.
        static JitType Place(JitType t, Device d) => t is TensorType { Device: not null } tt ? tt.WithDevice(d) : t;
        foreach (var v in graph.Inputs) v.Type = Place(v.Type, device);
        foreach (var n in graph.AllNodes())
        {
            foreach (var v in n.Outputs) v.Type = Place(v.Type, device);
            foreach (var b in n.Blocks)
                foreach (var v in b.Inputs) v.Type = Place(v.Type, device);
            if (n.Kind == Interpreter.TypeCheckKind && n.GetAttribute("types")?.Value is JitType[] types)
                for (int i = 0; i < types.Length; i++) types[i] = Place(types[i], device);
        }
    }
}

using Jit.Ir;
using Jit.Ops;

namespace Jit.Passes.Analysis;

public sealed partial class AliasAnalysis
{
    // Constraints, solved together at the end so that the result does not depend on the order
    // nodes are visited in (a loop body's append is seen by a getitem that comes before it).
    private readonly List<(PointsTo Dst, PointsTo Src)> _copies = [];
    private readonly List<(PointsTo Dst, PointsTo Container)> _loads = [];
    private readonly List<(PointsTo Container, PointsTo Element)> _stores = [];
    private readonly List<PointsTo> _escapes = [];
    // Writes to everything a value holds (unknown ops): filled from the source once solved.
    private readonly List<(PointsTo Written, PointsTo Source)> _containedWrites = [];
    // Objects reached from a graph input by prim::GetAttr chains, and each (object, attribute
    // name) pair's own location plus the values the attribute may hold (prim::SetAttr adds to them).
    private readonly Dictionary<Value, MemoryLocation> _objects = [];
    private readonly Dictionary<(MemoryLocation Owner, string Name), (MemoryLocation Location, PointsTo Slot)> _attributes = [];
    private HashSet<string>? _reassigned;
    private int _nextLocation;

    private MemoryLocation NewLocation(string origin, Value? creator = null) => new(_nextLocation++, origin, creator);

    private PointsTo? Pts(Value v) => _pointsTo.GetValueOrDefault(v);

    private PointsTo Fresh(Value v, string origin)
    {
        var p = _pointsTo[v];
        p.Locations.Add(NewLocation(origin, v));
        return p;
    }

    private void Copy(Value dst, Value src)
    {
        if (Pts(dst) is { } d && Pts(src) is { } s) _copies.Add((d, s));
    }

    private void Load(Value dst, Value container)
    {
        if (Pts(dst) is { } d && Pts(container) is { } c) _loads.Add((d, c));
    }

    private void Store(Value container, Value element)
    {
        if (Pts(container) is { } c && Pts(element) is { } e) _stores.Add((c, e));
    }

    private void Escape(Value v)
    {
        if (Pts(v) is { } p) _escapes.Add(p);
    }

    private void PointToWildcard(Value v)
    {
        if (Pts(v) is { } p) p.Locations.Add(_wildcard);
    }

    private void AddWrite(Node n, Value v, bool contents = false)
    {
        if (Pts(v) is not { } p) return;
        if (!_writes.TryGetValue(n, out var list)) _writes[n] = list = [];
        if (list.Contains(v)) return;
        list.Add(v);
        if (!contents)
        {
            AddWrittenMemory(n, p);
            return;
        }
        var written = new PointsTo(AliasTypes.Reachable(v.Type));
        _containedWrites.Add((written, p));
        AddWrittenMemory(n, written);
    }

    private void AddWrittenMemory(Node n, PointsTo p)
    {
        if (!_written.TryGetValue(n, out var list)) _written[n] = list = [];
        list.Add(p);
    }

    // An op that may write anything it is given may write what those values hold, too (PyTorch's
    // writeToContained): a call given %self can change %self.weight in place.
    private void ExpandContainedWrites()
    {
        foreach (var (written, source) in _containedWrites) written.Locations.UnionWith(Closure(source.Locations));
    }

    private void RegisterValues(Block b)
    {
        foreach (var v in b.Inputs) Register(v);
        foreach (var n in b.Nodes)
        {
            foreach (var v in n.Outputs) Register(v);
            foreach (var sub in n.Blocks) RegisterValues(sub);
        }
    }

    private void Register(Value v)
    {
        var kinds = AliasTypes.Of(v.Type);
        if (kinds != AliasTypeKinds.None) _pointsTo[v] = new PointsTo(kinds);
    }

    private void AnalyzeBlock(Block b)
    {
        foreach (var n in b.Nodes) AnalyzeNode(n);
    }

    private void AnalyzeNode(Node n)
    {
        foreach (var sub in n.Blocks) AnalyzeBlock(sub);
        switch (n.Kind)
        {
            case "prim::If":
                foreach (var sub in n.Blocks)
                    for (int i = 0; i < n.Outputs.Count && i < sub.Outputs.Count; i++) Copy(n.Outputs[i], sub.Outputs[i]);
                return;
            case "prim::Loop":
                AnalyzeLoop(n);
                return;
            case "prim::Constant":
                // Constants live across calls: writing to one is visible to the next run. Each is
                // its own memory, as PyTorch's AliasDb makes it: no input can be a constant.
                foreach (var o in n.Outputs)
                    if (Pts(o) is { } p) p.Locations.Add(NewExternal($"constant %{o.DisplayName}", o.Type));
                return;
            case "prim::GetAttr":
                AnalyzeGetAttr(n);
                return;
            case "prim::SetAttr":
                AnalyzeSetAttr(n);
                return;
            case "prim::ListConstruct" or "prim::TupleConstruct" or "prim::DictConstruct":
                foreach (var o in n.Outputs)
                {
                    if (Pts(o) is null) continue;
                    Fresh(o, n.Kind);
                    foreach (var i in n.Inputs) Store(o, i);
                }
                return;
            case "prim::ListUnpack" or "prim::TupleUnpack" or "prim::TupleIndex":
                if (n.Inputs.Count > 0)
                    foreach (var o in n.Outputs) Load(o, n.Inputs[0]);
                return;
            case "prim::TupleSlice" or "prim::unchecked_cast":
                // Same elements (a tuple slice) or the very same object (a cast).
                if (n.Inputs.Count > 0)
                    foreach (var o in n.Outputs) Copy(o, n.Inputs[0]);
                return;
            case "prim::Print" or "prim::RaiseException":
                return;
        }
        if (IsFusionGroup(n))
        {
            // Fusion groups compute fresh outputs from their inputs and write nothing.
            foreach (var o in n.Outputs)
                if (Pts(o) is not null) Fresh(o, n.Kind);
            return;
        }
        var op = TryGetOp(n);
        if (op is null || (op.Schema.IsVararg && op.Schema.IsVarret) || op.Kind == OpKind.Prim && n.Kind is "prim::CallMethod" or "prim::CallFunction" or "prim::Enter" or "prim::Exit")
        {
            AnalyzeConservative(n);
            return;
        }
        AnalyzeSchema(n, op.Schema);
    }

    private static bool IsFusionGroup(Node n) =>
        (n.Kind.EndsWith("FusionGroup", StringComparison.Ordinal) || n.Kind == "prim::TensorExprGroup")
        && n.GetAttribute("Subgraph")?.Kind == AttributeKind.Graph;

    /// <summary>The node's op, or null if the registry cannot resolve it (then nothing is assumed about it).</summary>
    internal static OpDef? TryGetOp(Node n)
    {
        if (!OpRegistry.Default.Contains(n.Kind)) return null;
        try
        {
            return n.Op;
        }
        catch (Errors.JitException)
        {
            return null;
        }
    }

    // An op we know nothing about may read, write and keep anything it is given, and return anything.
    private void AnalyzeConservative(Node n)
    {
        _conservative.Add(n);
        foreach (var i in n.Inputs)
        {
            Escape(i);
            AddWrite(n, i, contents: true);
        }
        foreach (var o in n.Outputs) PointToWildcard(o);
    }

    private void AnalyzeLoop(Node n)
    {
        // Loop(max_trip_count, cond, carried...) with body(i, carried...) -> (cond, carried...).
        var body = n.Blocks[0];
        int carried = n.Outputs.Count;
        for (int i = 0; i < carried; i++)
        {
            var init = n.Inputs[i + 2];
            var bodyIn = body.Inputs[i + 1];
            var bodyOut = body.Outputs[i + 1];
            Copy(bodyIn, init);
            Copy(bodyIn, bodyOut);
            Copy(n.Outputs[i], init);
            Copy(n.Outputs[i], bodyOut);
        }
    }

    private void AnalyzeSchema(Node n, FunctionSchema schema)
    {
        // Alias set name -> the inputs carrying it, as the value itself or as its elements.
        var sets = new Dictionary<string, List<(Value Input, bool Elements)>>(StringComparer.Ordinal);
        var args = schema.Arguments;
        var intoWildcard = new List<Value>();
        for (int i = 0; i < n.Inputs.Count; i++)
        {
            var input = n.Inputs[i];
            if (i >= args.Count)
            {
                // Extra arguments of a vararg op: nothing in the schema says what happens to them.
                if (Pts(input) is not null) { Escape(input); AddWrite(n, input, contents: true); _conservative.Add(n); }
                continue;
            }
            var arg = args[i];
            foreach (var (info, elements) in new[] { (arg.Alias, false), (arg.ElementAlias, true) })
            {
                if (info is null) continue;
                if (info.IsWrite) AddWrite(n, input);
                if (info.IsWildcardBefore) Escape(input);
                else if (info.AfterSets.Contains("*") && !InReturnedElements(schema, info)) intoWildcard.Add(input);
                foreach (var s in info.BeforeSets)
                {
                    if (s == "*") continue;
                    if (!sets.TryGetValue(s, out var l)) sets[s] = l = [];
                    l.Add((input, elements));
                }
            }
        }
        StoreIntoWrittenContainers(n, intoWildcard);
        for (int j = 0; j < n.Outputs.Count; j++)
        {
            var output = n.Outputs[j];
            if (Pts(output) is null) continue;
            var ret = j < schema.Returns.Count ? schema.Returns[j] : null;
            if (ret is null)
            {
                PointToWildcard(output);
                continue;
            }
            if (ret.Alias is null)
            {
                Fresh(output, n.Kind);
                if (AliasTypes.Of(output.Type) is AliasTypeKinds.List or AliasTypeKinds.Dict or AliasTypeKinds.Tuple)
                    FillContents(output, ret.ElementAlias, sets);
                continue;
            }
            if (ret.Alias.IsWildcardBefore)
            {
                WildcardReturn(n, output);
                continue;
            }
            foreach (var s in ret.Alias.BeforeSets)
            {
                if (!sets.TryGetValue(s, out var sources))
                {
                    PointToWildcard(output);
                    continue;
                }
                foreach (var (input, elements) in sources)
                {
                    if (elements) Load(output, input);
                    else Copy(output, input);
                }
            }
        }
    }

    // `Tensor(a -> *) self ... -> Tensor(a)[]` (split, chunk, unbind): PyTorch sends the input to
    // the wildcard because it does not follow list elements; the returned list's elements are
    // the input's views, and FillContents records exactly that, so nothing escapes.
    private static bool InReturnedElements(FunctionSchema schema, AliasInfo info) =>
        info.BeforeSets.Count > 0 && info.BeforeSets.All(s => s != "*"
            && schema.Returns.Any(r => r.ElementAlias is { } e && e.BeforeSets.Contains(s)));

    // `t(c -> *) el` says el goes somewhere untracked. Where the op writes a container (append,
    // insert, _set_item, setdefault) that is into the container, which we do track; with no
    // written container it has escaped.
    private void StoreIntoWrittenContainers(Node n, List<Value> intoWildcard)
    {
        if (intoWildcard.Count == 0) return;
        var containers = WritesTo(n).Where(w => (_pointsTo[w].Kinds & (AliasTypeKinds.List | AliasTypeKinds.Dict)) != 0).ToArray();
        foreach (var v in intoWildcard)
        {
            if (containers.Length == 0) Escape(v);
            foreach (var c in containers) Store(c, v);
        }
    }

    // A fresh container returned by an op: its elements are the inputs named by its element
    // annotation (Tensor(a)[]), or, with none, may be anything (PyTorch adds the wildcard too).
    private void FillContents(Value output, AliasInfo? elementAlias, Dictionary<string, List<(Value Input, bool Elements)>> sets)
    {
        var pts = _pointsTo[output];
        if (elementAlias is null || elementAlias.IsWildcardBefore)
        {
            foreach (var l in pts.Locations) l.Contents.Add(_wildcard);
            return;
        }
        foreach (var s in elementAlias.BeforeSets)
        {
            if (!sets.TryGetValue(s, out var sources))
            {
                foreach (var l in pts.Locations) l.Contents.Add(_wildcard);
                continue;
            }
            foreach (var (input, elements) in sources)
            {
                if (!elements)
                {
                    Store(output, input);
                    continue;
                }
                // The output holds the input's elements: load them into a temporary, store that.
                if (Pts(input) is not { } src) continue;
                var tmp = new PointsTo(AliasTypeKinds.All);
                _loads.Add((tmp, src));
                _stores.Add((pts, tmp));
            }
        }
    }

    // `t(*)`: an element taken out of a container argument (list/dict getitem, pop, get with a
    // default); with no mutable argument to take it from, anything.
    private void WildcardReturn(Node n, Value output)
    {
        bool any = false;
        foreach (var input in n.Inputs)
        {
            if (Pts(input) is not { } p) continue;
            any = true;
            if ((p.Kinds & (AliasTypeKinds.List | AliasTypeKinds.Dict | AliasTypeKinds.Tuple)) != 0) Load(output, input);
            if ((p.Kinds & ~(AliasTypeKinds.List | AliasTypeKinds.Dict)) != 0) Copy(output, input);
        }
        if (!any || AliasTypes.Of(output.Type) is AliasTypeKinds.List or AliasTypeKinds.Dict) PointToWildcard(output);
    }

    /// <summary>Propagates the constraints to a fixed point.</summary>
    private void Solve()
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (dst, src) in _copies) changed |= AddAll(dst.Locations, src.Locations);
            foreach (var (dst, c) in _loads)
            {
                foreach (var l in c.Locations.ToArray())
                {
                    changed |= AddAll(dst.Locations, l.Contents);
                    if (l.Escaped) changed |= dst.Locations.Add(_wildcard);
                }
            }
            foreach (var (c, e) in _stores)
            {
                foreach (var l in c.Locations.ToArray())
                {
                    changed |= AddAll(l.Contents, e.Locations);
                    // Stored into memory that outlives the run (an attribute list): not ours any more.
                    if (l.NotOwned) changed |= EscapeAll(e.Locations);
                }
            }
            foreach (var p in _escapes) changed |= EscapeAll(p.Locations);
        }
    }

    private static bool AddAll(HashSet<MemoryLocation> dst, IEnumerable<MemoryLocation> src)
    {
        bool changed = false;
        foreach (var l in src.ToArray()) changed |= dst.Add(l);
        return changed;
    }

    // Escaping is transitive: whatever an escaped container holds has escaped too.
    private static bool EscapeAll(IEnumerable<MemoryLocation> locations)
    {
        bool changed = false;
        var stack = new Stack<MemoryLocation>(locations);
        while (stack.Count > 0)
        {
            var l = stack.Pop();
            if (l.Escaped) continue;
            l.Escaped = true;
            changed = true;
            foreach (var c in l.Contents) stack.Push(c);
        }
        return changed;
    }
}

using Jit.Ir;

namespace Jit.Passes.Analysis;

/// <summary>
/// Which values of a graph may share memory and which nodes write to it: the one alias analysis
/// every pass asks (PyTorch's <c>AliasDb</c> in spirit). Built once from a graph; a snapshot, so
/// a pass that changes the graph builds a new one before asking again.
/// <para>
/// Every value of a mutable type (tensors, lists, dicts, objects, tuples holding those) points to
/// a set of abstract memory locations. Ops get their aliasing from their schema's annotations
/// (<c>Tensor(a)</c> returns alias the input marked <c>(a)</c>, <c>(a!)</c> is a write,
/// <c>t(*)</c> is an element taken from a container); prim ops that build or take apart
/// containers, <c>prim::If</c> and <c>prim::Loop</c> are modelled structurally. Graph inputs
/// and anything an unknown op touched have escaped: the graph does not own them, and all of them
/// may be one another (the wildcard). Graph outputs are not escaped (a write before the return is
/// fine to rewrite) but are live.
/// </para>
/// <para>
/// Module attributes and constants are external: not owned either (writing one is an effect
/// seen after the run), but each has its own location, as in PyTorch's <c>AliasDb</c> for a module
/// being frozen. Each (object, attribute name) pair of a <c>prim::GetAttr</c> chain rooted at a
/// graph input is one location (two lookups of <c>%self.fc.weight</c> share it), each constant
/// node another; they alias neither one another nor the graph inputs, so writing one attribute in
/// place, or setting it with <c>prim::SetAttr</c>, does not write the others. That is the
/// assumption freezing makes: distinct attributes are distinct tensors, not passed in as inputs.
/// An attribute given to an unknown op, or stored where the wildcard can reach it, escapes.
/// </para>
/// </summary>
public sealed partial class AliasAnalysis
{
    private readonly Dictionary<Value, PointsTo> _pointsTo = [];
    private readonly Dictionary<Node, List<Value>> _writes = [];
    // What each node writes, as memory: the written values' points-to sets, or an attribute's
    // location alone (prim::SetAttr), or everything a value contains (unknown ops).
    private readonly Dictionary<Node, List<PointsTo>> _written = [];
    private readonly HashSet<Node> _conservative = [];
    private readonly MemoryLocation _wildcard;

    public AliasAnalysis(Graph graph)
    {
        Graph = graph;
        _wildcard = NewLocation("wildcard");
        _wildcard.Escaped = true;
        _wildcard.Contents.Add(_wildcard);
        RegisterValues(graph.Block);
        foreach (var input in graph.Inputs) PointToWildcard(input);
        AnalyzeBlock(graph.Block);
        Solve();
        ExpandContainedWrites();
    }

    public Graph Graph { get; }

    // ---- values ----

    /// <summary>Whether <paramref name="v"/> has a mutable type (it can be written to or alias another value).</summary>
    public bool IsMutable(Value v) => _pointsTo.ContainsKey(v);

    /// <summary>
    /// Whether <paramref name="v"/> may be memory the graph does not own: a graph input, a module
    /// attribute, a constant, something stored into one of those or given to an unknown op.
    /// </summary>
    public bool IsWildcard(Value v) => Pts(v) is { } p && p.Locations.Any(l => l.NotOwned);

    /// <summary>
    /// Whether <paramref name="v"/> is new memory its own node made (a fresh result, not a view,
    /// not a graph input, attribute or constant, not anything that escaped), as PyTorch's
    /// mutation removal requires of the tensor it rewrites.
    /// </summary>
    public bool IsFresh(Value v) =>
        Pts(v) is { Locations.Count: 1 } p && p.Locations.First() is { NotOwned: false } l && l.Creator == v;

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> may be (views of) the same memory.</summary>
    public bool MayAlias(Value a, Value b)
    {
        if (a == b) return IsMutable(a);
        return Pts(a) is { } pa && Pts(b) is { } pb && Overlap(pa.Locations, pa.Kinds, pb.Locations, pb.Kinds);
    }

    /// <summary>Whether some value of <paramref name="a"/> may alias some value of <paramref name="b"/>.</summary>
    public bool MayAlias(IEnumerable<Value> a, IEnumerable<Value> b)
    {
        var bs = b.ToArray();
        return a.Any(x => bs.Any(y => MayAlias(x, y)));
    }

    /// <summary>
    /// Whether <paramref name="a"/> or anything it (transitively) contains may alias
    /// <paramref name="b"/> or anything it contains: a list holding a tensor contains that tensor's memory.
    /// </summary>
    public bool MayContainAlias(Value a, Value b)
    {
        if (Pts(a) is not { } pa || Pts(b) is not { } pb) return false;
        var ca = Closure(pa.Locations);
        var cb = Closure(pb.Locations);
        return Overlap(ca, AliasTypeKinds.All, cb, AliasTypeKinds.All);
    }

    public bool MayContainAlias(IEnumerable<Value> a, IEnumerable<Value> b)
    {
        var bs = b.ToArray();
        return a.Any(x => bs.Any(y => MayContainAlias(x, y)));
    }

    /// <summary>Whether some node of the graph writes to memory <paramref name="v"/> may alias.</summary>
    public bool HasWriters(Value v) => Writers(v).Any();

    /// <summary>Whether some node writes to memory an input or output of <paramref name="n"/> may alias.</summary>
    public bool HasWriters(Node n) => n.Inputs.Concat(n.Outputs).Any(HasWriters);

    /// <summary>The nodes (at any depth) that write to memory <paramref name="v"/> may alias, in no particular order.</summary>
    public IEnumerable<Node> Writers(Value v) => Pts(v) is { } pv ? WritersOf(pv) : [];

    /// <summary>
    /// Whether some node writes to memory <paramref name="v"/> or anything it (transitively)
    /// contains may alias: a tensor held by a list attribute written in place changes the attribute.
    /// </summary>
    public bool HasWritersToContents(Value v)
    {
        if (Pts(v) is not { } pv) return false;
        var contents = new PointsTo(AliasTypeKinds.All);
        contents.Locations.UnionWith(Closure(pv.Locations));
        return WritersOf(contents).Any();
    }

    private IEnumerable<Node> WritersOf(PointsTo pv)
    {
        foreach (var (node, written) in _written)
            if (written.Any(w => Overlap(w.Locations, w.Kinds, pv.Locations, pv.Kinds)))
                yield return node;
    }

    // ---- nodes ----

    /// <summary>The inputs <paramref name="n"/> itself writes to (<c>(a!)</c> in its schema, <c>prim::SetAttr</c>'s object, list mutation); nested blocks not included.</summary>
    public IReadOnlyList<Value> WritesTo(Node n) => _writes.TryGetValue(n, out var l) ? l : [];

    /// <summary>Whether <paramref name="n"/> or a node in its blocks writes to anything.</summary>
    public bool IsMutating(Node n) => WrittenMemory(n).Any();

    /// <summary>Whether <paramref name="n"/> (or a node in its blocks) writes to memory some value of <paramref name="values"/> may alias.</summary>
    public bool WritesToAlias(Node n, IEnumerable<Value> values)
    {
        var targets = values.Select(Pts).OfType<PointsTo>().ToArray();
        if (targets.Length == 0) return false;
        foreach (var pw in WrittenMemory(n))
        {
            foreach (var t in targets)
                if (Overlap(pw.Locations, pw.Kinds, t.Locations, t.Kinds)) return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="n"/> (or a node in its blocks) may write to memory the graph does not own.</summary>
    public bool WritesToWildcard(Node n) =>
        WrittenMemory(n).Any(w => w.Locations.Any(l => l.NotOwned)) || SelfAndNested(n).Any(_conservative.Contains);

    /// <summary>
    /// Whether <paramref name="n"/> must run for its effects alone: its op is flagged
    /// <c>SideEffects</c> (print, warn, raise, setattr, calls), it is not in the registry, it
    /// writes to memory the graph does not own, or a node in its blocks is such a node.
    /// </summary>
    public bool HasSideEffects(Node n) => SelfAndNested(n).Any(m => NodeHasOwnSideEffects(m)) || WritesToWildcard(n);

    private static bool NodeHasOwnSideEffects(Node n)
    {
        if (n.Kind is "prim::If" or "prim::Loop" || IsFusionGroup(n)) return false;
        var op = TryGetOp(n);
        return op is null || op.HasSideEffects;
    }

    /// <summary>
    /// Whether <paramref name="n"/> may give different results for the same inputs: its op is
    /// flagged <c>Nondeterministic</c>, unless it has a <c>train</c> argument that is the constant
    /// False (dropout in eval mode), as PyTorch's <c>Node::isNondeterministic</c>.
    /// </summary>
    public static bool IsNondeterministic(Node n)
    {
        var op = TryGetOp(n);
        if (op is null || !op.IsNondeterministic) return false;
        int train = op.Schema.ArgumentIndex("train");
        if (train < 0 || train >= n.Inputs.Count) return true;
        var t = n.Inputs[train].Node;
        return !(t.Kind == "prim::Constant" && t.GetAttribute("value")?.Value is long l && l == 0);
    }

    // ---- reordering ----

    /// <summary>
    /// Whether <paramref name="n"/> can move to just before <paramref name="target"/> (same
    /// block, earlier) without changing what the graph computes: it uses nothing the nodes in
    /// between define, and neither it nor they write to memory the other reads or writes.
    /// </summary>
    public bool CouldMoveBefore(Node n, Node target)
    {
        if (n == target) return true;
        if (n.Owner is null || n.Owner != target.Owner || !target.IsBefore(n)) return false;
        for (var m = target; m is not null && m != n; m = m.Next)
            if (DependsOn(n, m) || Conflicts(n, m)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="n"/> can move to just after <paramref name="target"/> (same block, later).</summary>
    public bool CouldMoveAfter(Node n, Node target)
    {
        if (n == target) return true;
        if (n.Owner is null || n.Owner != target.Owner || !n.IsBefore(target)) return false;
        for (var m = n.Next; m is not null; m = m.Next)
        {
            if (DependsOn(m, n) || Conflicts(n, m)) return false;
            if (m == target) break;
        }
        return true;
    }

    /// <summary>Moves <paramref name="n"/> before <paramref name="target"/> if <see cref="CouldMoveBefore"/>; returns whether it moved.</summary>
    public bool MoveBeforeIfValid(Node n, Node target)
    {
        if (!CouldMoveBefore(n, target)) return false;
        if (n != target) n.MoveBefore(target);
        return true;
    }

    /// <summary>Moves <paramref name="n"/> after <paramref name="target"/> if <see cref="CouldMoveAfter"/>; returns whether it moved.</summary>
    public bool MoveAfterIfValid(Node n, Node target)
    {
        if (!CouldMoveAfter(n, target)) return false;
        if (n != target) n.MoveAfter(target);
        return true;
    }

    // Whether `user` (or a node in its blocks) takes a value `def` (or a node in its blocks) defines.
    private static bool DependsOn(Node user, Node def)
    {
        var defined = SelfAndNested(def).SelectMany(x => x.Outputs).ToHashSet();
        return SelfAndNested(user).Any(u => u.Inputs.Any(defined.Contains));
    }

    // Whether the relative order of a and b matters for memory or effects.
    private bool Conflicts(Node a, Node b)
    {
        bool aEffects = HasSideEffects(a) || IsNondeterministic(a);
        bool bEffects = HasSideEffects(b) || IsNondeterministic(b);
        if (aEffects && (bEffects || IsMutating(b))) return true;
        if (bEffects && IsMutating(a)) return true;
        return WritesToAlias(a, Touched(b)) || WritesToAlias(b, Touched(a));
    }

    // The mutable values a node and its blocks read or define.
    private IEnumerable<Value> Touched(Node n) =>
        SelfAndNested(n).SelectMany(m => m.Inputs.Concat(m.Outputs)).Where(IsMutable);

    private IEnumerable<PointsTo> WrittenMemory(Node n) =>
        SelfAndNested(n).SelectMany(m => _written.TryGetValue(m, out var l) ? l : (IEnumerable<PointsTo>)[]);

    private static IEnumerable<Node> SelfAndNested(Node n)
    {
        yield return n;
        foreach (var b in n.Blocks)
            foreach (var m in Graph.AllNodes(b)) yield return m;
    }

    // Two location sets overlap if they share a location that has not escaped (owned or
    // external), or both hold escaped locations of compatible types (all escaped memory may be
    // the same memory).
    private static bool Overlap(HashSet<MemoryLocation> a, AliasTypeKinds ka, HashSet<MemoryLocation> b, AliasTypeKinds kb)
    {
        foreach (var l in a)
            if (!l.Escaped && b.Contains(l)) return true;
        return (ka & kb) != 0 && a.Any(l => l.Escaped) && b.Any(l => l.Escaped);
    }

    private static HashSet<MemoryLocation> Closure(IEnumerable<MemoryLocation> start)
    {
        var seen = new HashSet<MemoryLocation>();
        var stack = new Stack<MemoryLocation>(start);
        while (stack.Count > 0)
        {
            var l = stack.Pop();
            if (!seen.Add(l)) continue;
            foreach (var c in l.Contents) stack.Push(c);
        }
        return seen;
    }

    /// <summary>One line per mutable value: the locations it may point to (for JIT_LOG and tests).</summary>
    public string Dump()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (v, p) in _pointsTo.OrderBy(kv => kv.Key.Id))
            sb.Append('%').Append(v.DisplayName).Append(" -> {").AppendJoin(", ", p.Locations.OrderBy(l => l.Id)).Append("}\n");
        return sb.ToString();
    }
}

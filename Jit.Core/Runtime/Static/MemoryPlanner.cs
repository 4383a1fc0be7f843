using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// Places the intermediate tensors of a graph in one arena by liveness (PyTorch static runtime's
/// memory planner, greedy by size). It sees only the graph, the sizes shape analysis proved and
/// which nodes write fresh buffers: nothing about devices, so any backend can back the arena.
/// <para>Planned: top-level outputs of the nodes <c>writesFresh</c> accepts (ops run through an
/// out-variant, and <c>prim::If</c>s whose branches write their results into the If's outputs), with
/// static dtype and sizes. Not planned: values that escape (graph outputs,
/// unless outputs are managed, and anything that may alias one), values stored into module
/// attributes, values inside control-flow blocks. Aliasing is conservative: every other node's
/// tensor-carrying inputs and outputs (and the outer values its blocks read) form one alias
/// group, live until the last use of any member, so a view keeps its base alive.</para>
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Every offset and every buffer size is a multiple of this (a cache line; SIMD loads and device buffers like it).</summary>
    public const int Alignment = 64;

    public static MemoryPlan Plan(Graph graph, Func<Node, bool> writesFresh, bool manageOutputs)
    {
        var nodes = graph.Block.Nodes.ToList();
        var index = new Dictionary<Node, int>(nodes.Count);
        for (int i = 0; i < nodes.Count; i++) index[nodes[i]] = i;
        int end = nodes.Count; // the graph's return

        var groups = new AliasGroups();
        foreach (var n in nodes)
        {
            // A fresh node's outputs alias nothing; an If's blocks may still tie its inputs together.
            bool fresh = writesFresh(n);
            if (n.Kind == "prim::Constant" || (fresh && n.Blocks.Count == 0)) continue;
            var members = new List<Value>();
            foreach (var v in n.Inputs) if (CarriesTensors(v.Type)) members.Add(v);
            if (!fresh)
                foreach (var v in n.Outputs) if (CarriesTensors(v.Type)) members.Add(v);
            bool storesAttribute = n.Kind == "prim::SetAttr";
            foreach (var inner in n.Blocks.SelectMany(Graph.AllNodes))
            {
                storesAttribute |= inner.Kind == "prim::SetAttr";
                foreach (var v in inner.Inputs)
                    if (v.Node.Owner == graph.Block && CarriesTensors(v.Type)) members.Add(v);
            }
            foreach (var b in n.Blocks)
                foreach (var v in b.Outputs)
                    if (v.Node.Owner == graph.Block && CarriesTensors(v.Type)) members.Add(v);
            for (int i = 1; i < members.Count; i++) groups.Union(members[0], members[i]);
            if (storesAttribute) foreach (var v in members) groups.MarkEscaping(v);
        }
        if (!manageOutputs)
            foreach (var v in graph.Outputs) groups.MarkEscaping(v);

        // A value's last use, counted at the top-level node holding the user (a use inside a loop
        // body lasts as long as the loop).
        int LastUse(Value v)
        {
            int last = v.Node.Owner == graph.Block && index.TryGetValue(v.Node, out int d) ? d : -1;
            foreach (var use in v.Uses)
            {
                var user = use.User;
                while (user.Owner is { } owner && owner != graph.Block && owner.OwningNode is { } outer) user = outer;
                last = Math.Max(last, user == graph.Block.ReturnNode ? end : index.GetValueOrDefault(user, end));
            }
            return last;
        }
        foreach (var v in groups.Members) groups.ExtendEnd(v, LastUse(v));

        var candidates = new List<(Value Value, DType DType, long[] Sizes, long Bytes, int Start, int End)>();
        foreach (var n in nodes)
        {
            if (!writesFresh(n)) continue;
            foreach (var v in n.Outputs)
            {
                if (v.Type is not TensorType { DType: { } dt, ConcreteSizes: { } sizes }) continue;
                if (groups.IsEscaping(v)) continue;
                long bytes = dt.ElementSize();
                foreach (var s in sizes) bytes = checked(bytes * s);
                int last = Math.Max(LastUse(v), groups.End(v));
                candidates.Add((v, dt, sizes, bytes, index[n], Math.Max(last, index[n])));
            }
        }
        var intervals = new LiveInterval[candidates.Count];
        for (int i = 0; i < intervals.Length; i++)
            intervals[i] = new LiveInterval(i, candidates[i].Bytes, candidates[i].Start, candidates[i].End);
        var offsets = Place(intervals, out long arena);
        var planned = new PlannedTensor[candidates.Count];
        for (int i = 0; i < planned.Length; i++)
        {
            var c = candidates[i];
            planned[i] = new PlannedTensor(c.Value, c.DType, c.Sizes, offsets[i], c.Bytes, c.Start, c.End);
        }
        return new MemoryPlan(arena, planned);
    }

    /// <summary>
    /// Greedy by size, best fit: the largest buffers are placed first, each in the smallest gap
    /// left between buffers whose lifetimes overlap its own, else above them all. Returns each
    /// interval's offset (by position in <paramref name="intervals"/>) and the arena size.
    /// </summary>
    public static long[] Place(IReadOnlyList<LiveInterval> intervals, out long arenaBytes)
    {
        var order = Enumerable.Range(0, intervals.Count)
            .OrderByDescending(i => intervals[i].Bytes).ThenBy(i => intervals[i].Start).ThenBy(i => i).ToArray();
        var offsets = new long[intervals.Count];
        var placed = new List<int>();
        arenaBytes = 0;
        foreach (int i in order)
        {
            long size = AlignUp(intervals[i].Bytes);
            if (size == 0) continue;
            var busy = placed.Where(j => intervals[j].Overlaps(intervals[i]))
                .Select(j => (Start: offsets[j], End: offsets[j] + AlignUp(intervals[j].Bytes)))
                .OrderBy(r => r.Start).ToList();
            long best = -1, bestGap = long.MaxValue, cursor = 0;
            foreach (var (s, e) in busy)
            {
                long gap = s - cursor;
                if (gap >= size && gap < bestGap) (best, bestGap) = (cursor, gap);
                cursor = Math.Max(cursor, e);
            }
            offsets[i] = best >= 0 ? best : cursor;
            placed.Add(i);
            arenaBytes = Math.Max(arenaBytes, offsets[i] + size);
        }
        return offsets;
    }

    private static long AlignUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    /// <summary>Whether a value of this type may hold (or be) a tensor, so it may alias a planned buffer.</summary>
    private static bool CarriesTensors(JitType t) => t switch
    {
        IntType or FloatType or BoolType or StringType or NoneType or DeviceObjType or NumberType
            or LayoutType or ScalarTypeType or MemoryFormatType => false,
        ListType l => CarriesTensors(l.Element),
        OptionalType o => CarriesTensors(o.Element),
        TupleType tt => tt.Elements.Any(CarriesTensors),
        _ => true,
    };

    /// <summary>Union-find over values, each root keeping its group's end and whether it escapes.</summary>
    private sealed class AliasGroups
    {
        private readonly Dictionary<Value, Value> _parent = [];
        private readonly Dictionary<Value, int> _end = [];
        private readonly HashSet<Value> _escaping = [];

        public IEnumerable<Value> Members => _parent.Keys.ToArray();

        private Value Find(Value v)
        {
            if (!_parent.TryGetValue(v, out var p)) { _parent[v] = v; return v; }
            if (p == v) return v;
            var root = Find(p);
            _parent[v] = root;
            return root;
        }

        public void Union(Value a, Value b)
        {
            Value ra = Find(a), rb = Find(b);
            if (ra == rb) return;
            _parent[rb] = ra;
            if (_escaping.Remove(rb)) _escaping.Add(ra);
            if (_end.Remove(rb, out int e)) ExtendEnd(ra, e);
        }

        public void MarkEscaping(Value v) => _escaping.Add(Find(v));
        public bool IsEscaping(Value v) => _escaping.Contains(Find(v));
        public void ExtendEnd(Value v, int end)
        {
            var r = Find(v);
            _end[r] = Math.Max(_end.GetValueOrDefault(r, -1), end);
        }
        public int End(Value v) => _end.GetValueOrDefault(Find(v), -1);
    }
}

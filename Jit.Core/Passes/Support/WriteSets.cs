using Jit.Errors;
using Jit.Ir;
using Jit.Ops;

namespace Jit.Passes.Support;

/// <summary>
/// A deliberately coarse stand-in for alias analysis, used by the folding passes to stay safe:
/// values of mutable types (tensors, lists, dicts, objects…) that may share memory are put in one
/// set (union-find over every op that may return an alias of an input, control-flow joins and
/// unknown ops), and a set is <em>written</em> when any member is an argument an op may write
/// (<c>(a!)</c> in its schema, a side-effecting call, <c>prim::SetAttr</c>, an unknown op).
/// It over-approximates: a value it calls unwritten is never written, directly or through an alias.
/// <c>prim::GetAttr</c> is not an alias edge: an attribute is its own location, so writing one
/// attribute does not mark the whole module (Freeze resolves attributes itself).
/// </summary>
internal sealed class WriteSets
{
    private readonly Dictionary<Value, Value> _parent = [];
    private readonly HashSet<Value> _written = [];

    private WriteSets() { }

    public static WriteSets Analyze(Graph graph)
    {
        var sets = new WriteSets();
        foreach (var node in graph.AllNodes()) sets.Visit(node);
        // Written roots are only final once every union is done.
        var roots = sets._written.Select(sets.Find).ToHashSet();
        sets._written.Clear();
        sets._written.UnionWith(roots);
        return sets;
    }

    /// <summary>Whether <paramref name="v"/> (or anything that may alias it) may be written by some node.</summary>
    public bool MayBeWritten(Value v) => IsMutableType(v.Type) && _written.Contains(Find(v));

    /// <summary>Types whose values can change in place or hold something that can.</summary>
    public static bool IsMutableType(JitType t) => t switch
    {
        IntType or FloatType or BoolType or StringType or NoneType or DeviceObjType or NumberType
            or LayoutType or ScalarTypeType or MemoryFormatType => false,
        OptionalType o => IsMutableType(o.Element),
        TupleType tt => tt.Elements.Any(IsMutableType),
        _ when t.ToString() is "complex" or "SymInt" => false,
        _ => true,
    };

    private void Visit(Node node)
    {
        switch (node.Kind)
        {
            case "prim::Constant" or "prim::GetAttr":
                return;
            case "prim::SetAttr":
                // The object changes, and the stored value is reachable from it from now on.
                MarkWritten(node.Inputs);
                return;
            case "prim::If":
                foreach (var b in node.Blocks)
                    for (int i = 0; i < node.Outputs.Count && i < b.Outputs.Count; i++) Union(node.Outputs[i], b.Outputs[i]);
                return;
            case "prim::Loop":
            {
                var body = node.Blocks.Count > 0 ? node.Blocks[0] : null;
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    if (i + 2 < node.Inputs.Count) Union(node.Outputs[i], node.Inputs[i + 2]);
                    if (body is null) continue;
                    if (i + 1 < body.Inputs.Count) Union(node.Outputs[i], body.Inputs[i + 1]);
                    if (i + 1 < body.Outputs.Count) Union(node.Outputs[i], body.Outputs[i + 1]);
                }
                return;
            }
        }

        OpDef? op = null;
        try { op = node.Op; }
        catch (JitException) { /* unknown op: handled below as the worst case */ }

        if (op is null || node.Blocks.Count > 0)
        {
            UnionAll(node);
            MarkWritten(node.Inputs);
            return;
        }
        var schema = op.Schema;
        if (op.HasSideEffects && node.Kind is "prim::CallMethod" or "prim::CallFunction")
            MarkWritten(node.Inputs);
        if (op.MutatesInputs)
        {
            if (schema.IsVararg) MarkWritten(node.Inputs);
            else
                for (int i = 0; i < node.Inputs.Count && i < schema.Arguments.Count; i++)
                    if (schema.Arguments[i].IsWrite) MarkWritten([node.Inputs[i]]);
        }
        bool freshResults = !schema.IsVararg && !schema.IsVarret && op.Kind != OpKind.View
                            && schema.Returns.All(r => r.Alias is null && r.ElementAlias is null);
        if (!freshResults || op.MutatesInputs) UnionAll(node);
    }

    private void UnionAll(Node node)
    {
        Value? first = null;
        foreach (var v in node.Inputs.Concat(node.Outputs))
        {
            if (!IsMutableType(v.Type)) continue;
            if (first is null) first = v;
            else Union(first, v);
        }
    }

    private void MarkWritten(IEnumerable<Value> values)
    {
        foreach (var v in values)
            if (IsMutableType(v.Type)) _written.Add(v);
    }

    private Value Find(Value v)
    {
        var root = v;
        while (_parent.TryGetValue(root, out var p) && p != root) root = p;
        // Path compression keeps long alias chains cheap.
        while (v != root && _parent.TryGetValue(v, out var next)) { _parent[v] = root; v = next; }
        return root;
    }

    private void Union(Value a, Value b)
    {
        if (!IsMutableType(a.Type) && !IsMutableType(b.Type)) return;
        var ra = Find(a);
        var rb = Find(b);
        if (ra != rb) _parent[ra] = rb;
    }
}

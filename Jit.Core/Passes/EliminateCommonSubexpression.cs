using System.Globalization;
using System.Text;
using Jit.Ir;
using Jit.Passes.Analysis;

namespace Jit.Passes;

/// <summary>
/// Replaces a node by an earlier identical one (same kind, same inputs, equal attributes, same
/// output types) that dominates it, as PyTorch's <c>EliminateCommonSubexpression</c>. Only pure,
/// deterministic nodes without blocks take part, and none whose inputs or outputs some node
/// writes to. Constants are compared by value. A nested block sees the definitions of the
/// blocks around it, never those of a sibling block.
/// </summary>
public sealed class EliminateCommonSubexpression : IGraphPass
{
    public string Name => nameof(EliminateCommonSubexpression);

    public bool Run(Graph graph)
    {
        var aliases = new AliasAnalysis(graph);
        var ids = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        return RunBlock(graph.Block, new Scope(null), aliases, ids);
    }

    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, Node> _seen = new(StringComparer.Ordinal);

        public Node? Find(string key) => _seen.TryGetValue(key, out var n) ? n : parent?.Find(key);

        public void Add(string key, Node n) => _seen[key] = n;
    }

    private static bool RunBlock(Block block, Scope scope, AliasAnalysis aliases, Dictionary<object, int> ids)
    {
        bool changed = false;
        foreach (var node in block.Nodes)
        {
            foreach (var sub in node.Blocks) changed |= RunBlock(sub, new Scope(scope), aliases, ids);
            if (!IsCandidate(node, aliases)) continue;
            string key = Key(node, ids);
            var existing = scope.Find(key);
            if (existing is null)
            {
                scope.Add(key, node);
                continue;
            }
            // Two graph outputs that were distinct objects must stay distinct.
            var outputs = block.Graph.Outputs;
            if (aliases.MayContainAlias(node.Outputs, outputs) && aliases.MayContainAlias(existing.Outputs, outputs)) continue;
            for (int i = 0; i < node.Outputs.Count; i++) node.Outputs[i].ReplaceAllUsesWith(existing.Outputs[i]);
            node.Destroy();
            changed = true;
        }
        return changed;
    }

    private static bool IsCandidate(Node n, AliasAnalysis aliases) =>
        n.Outputs.Count > 0 && n.Blocks.Count == 0 && n.Kind != "prim::Uninitialized"
        && !aliases.HasSideEffects(n) && !AliasAnalysis.IsNondeterministic(n) && !aliases.HasWriters(n);

    // Inputs by identity (value ids are unique in a graph), attributes by value, output types by text.
    private static string Key(Node n, Dictionary<object, int> ids)
    {
        var sb = new StringBuilder(n.Kind).Append('(');
        foreach (var v in n.Inputs) sb.Append(v.Id).Append(',');
        sb.Append(")[");
        foreach (var (name, attr) in n.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            sb.Append(name).Append('=').Append(attr.Kind).Append(':').Append(AttributeText(attr.Value, ids)).Append(';');
        sb.Append("]->");
        foreach (var o in n.Outputs) sb.Append(o.Type).Append(',');
        return sb.ToString();
    }

    private static string AttributeText(object value, Dictionary<object, int> ids) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s.Length.ToString(CultureInfo.InvariantCulture) + ":" + s,
        long[] ls => string.Join(",", ls),
        double[] ds => string.Join(",", ds.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        string[] ss => string.Join(",", ss.Select(s => s.Length.ToString(CultureInfo.InvariantCulture) + ":" + s)),
        JitType t => t.ToString(),
        // Tensors, graphs and other objects: equal only to themselves.
        _ => "#" + ObjectId(value, ids).ToString(CultureInfo.InvariantCulture),
    };

    private static int ObjectId(object value, Dictionary<object, int> ids)
    {
        if (!ids.TryGetValue(value, out int id)) ids[value] = id = ids.Count;
        return id;
    }
}

using System.Text;

namespace Jit.Ir.Text;

/// <summary>
/// Prints graphs exactly as PyTorch 1.13's <c>Graph::print</c> / <c>print(module.graph)</c> does:
/// inputs one per line, two spaces of indent per level, nested blocks as <c>block0(...):</c> and
/// <c>-> (...)</c>, <c># file:line:col</c> after each node that has a source range, and subgraph
/// groups (fusion groups) printed after the graph as <c>with prim::TensorExprGroup_0 = graph(...)</c>.
/// </summary>
public static class IrPrinter
{
    /// <summary>Attribute that holds a group node's subgraph; such nodes print as <c>kind_N</c>.</summary>
    public const string SubgraphAttribute = "Subgraph";

    public static string Print(Graph g) => Print(g, printSourceRanges: true);

    public static string Print(Graph g, bool printSourceRanges)
    {
        var sb = new StringBuilder();
        PrintGraph(sb, g, printSourceRanges);
        return sb.ToString();
    }

    /// <summary>One node with its nested blocks, as PyTorch prints a node, without the final newline.</summary>
    public static string PrintNode(Node n) => PrintNode(n, printSourceRanges: true);

    public static string PrintNode(Node n, bool printSourceRanges)
    {
        var sb = new StringBuilder();
        PrintNode(sb, n, 0, null, printSourceRanges);
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary><c>%a : Tensor, %b : int</c>.</summary>
    public static string ValuesWithTypes(IEnumerable<Value> values, string separator = ", ") =>
        string.Join(separator, values.Select(v => "%" + v.DisplayName + " : " + v.Type));

    /// <summary><c>%a, %b</c>.</summary>
    public static string ValueRefs(IEnumerable<Value> values) => string.Join(", ", values.Select(v => "%" + v.DisplayName));

    private static void PrintGraph(StringBuilder sb, Graph g, bool printSourceRanges)
    {
        sb.Append("graph(").Append(ValuesWithTypes(g.Inputs, ",\n      ")).Append("):\n");
        var groups = new List<Node>();
        foreach (var n in g.Nodes) PrintNode(sb, n, 1, groups, printSourceRanges);
        sb.Append("  return (").Append(ValueRefs(g.Outputs)).Append(")\n");
        for (int i = 0; i < groups.Count; i++)
        {
            sb.Append("with ").Append(groups[i].Kind).Append('_').Append(i).Append(" = ");
            PrintGraph(sb, (Graph)groups[i].GetAttribute(SubgraphAttribute)!.Value, printSourceRanges);
        }
    }

    private static void PrintNode(StringBuilder sb, Node n, int level, List<Node>? groups, bool printSourceRanges)
    {
        Indent(sb, level).Append(ValuesWithTypes(n.Outputs)).Append(" = ");
        if (groups is not null && n.GetAttribute(SubgraphAttribute) is { Value: Graph })
        {
            sb.Append(n.Kind).Append('_').Append(groups.Count);
            // PyTorch leaves the other attributes of a differentiable graph out.
            if (n.Attributes.Count > 1 && n.Kind != "prim::DifferentiableGraph") PrintAttributes(sb, n, skipSubgraph: true);
            groups.Add(n);
        }
        else
        {
            sb.Append(n.Kind);
            if (n.Attributes.Count > 0) PrintAttributes(sb, n, skipSubgraph: false);
        }
        sb.Append('(').Append(ValueRefs(n.Inputs)).Append(')');
        if (printSourceRanges && n.SourceRange is { } range) sb.Append(" # ").Append(range);
        sb.Append('\n');
        for (int i = 0; i < n.Blocks.Count; i++)
        {
            var b = n.Blocks[i];
            Indent(sb, level + 1).Append("block").Append(i).Append('(').Append(ValuesWithTypes(b.Inputs)).Append("):\n");
            foreach (var nested in b.Nodes) PrintNode(sb, nested, level + 2, groups, printSourceRanges);
            Indent(sb, level + 2).Append("-> (").Append(ValueRefs(b.Outputs)).Append(")\n");
        }
    }

    private static void PrintAttributes(StringBuilder sb, Node n, bool skipSubgraph)
    {
        sb.Append('[');
        int printed = 0;
        foreach (var (name, value) in n.Attributes)
        {
            if (skipSubgraph && name == SubgraphAttribute) continue;
            if (printed++ > 0) sb.Append(", ");
            sb.Append(name).Append('=').Append(AttributeText.Format(value));
        }
        sb.Append(']');
    }

    private static StringBuilder Indent(StringBuilder sb, int level) => sb.Append(' ', 2 * level);
}

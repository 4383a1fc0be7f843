namespace Jit.Ir.Text;

/// <summary>Prints graphs in PyTorch's textual IR format.</summary>
public static class IrPrinter
{
    public static string Print(Graph g) => string.Join("\n", g.Nodes.Select(PrintNode));
    public static string PrintNode(Node n) => n.Kind;
}

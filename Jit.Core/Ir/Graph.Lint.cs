namespace Jit.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// Checks the graph's invariants (see <see cref="GraphLinter"/>) and throws a
    /// <see cref="Errors.JitIrException"/> naming the offending node. Subgraphs of group nodes are linted too.
    /// </summary>
    public void Lint()
    {
        GraphLinter.Lint(this);
        foreach (var n in AllNodes())
            foreach (var (_, attr) in n.Attributes)
                if (attr.Value is Graph sub) sub.Lint();
    }
}

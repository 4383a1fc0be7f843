namespace Jit.Ir;

/// <summary>Restores the graph's previous insertion point when disposed: <c>using var _ = graph.InsertPointAt(node);</c></summary>
public readonly struct InsertPointGuard : IDisposable
{
    private readonly Graph _graph;
    private readonly Node _previous;

    internal InsertPointGuard(Graph graph, Node previous)
    {
        _graph = graph;
        _previous = previous;
    }

    public void Dispose() => _graph.SetInsertPoint(_previous);
}

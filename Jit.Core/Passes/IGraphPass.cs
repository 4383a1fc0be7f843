using Jit.Ir;

namespace Jit.Passes;

/// <summary>
/// One graph transformation. <see cref="Run"/> changes the graph in place through its mutation API
/// and returns whether anything changed. A pass never leaves the graph failing <c>Graph.Lint()</c>.
/// </summary>
public interface IGraphPass
{
    /// <summary>The pass's name, as <c>JIT_LOG</c> and <c>--passes</c> spell it (the class name).</summary>
    string Name { get; }

    bool Run(Graph graph);
}

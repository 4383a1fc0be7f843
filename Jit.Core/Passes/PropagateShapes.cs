using Jit.Ir;
using Jit.Passes.Analysis;

namespace Jit.Passes;

/// <summary>
/// The pipeline's last step: symbolic shape analysis from the graph's declared input types (each
/// non-static input dim a fresh symbol). For example inputs or chosen ranks, call
/// <see cref="ShapeAnalysis.PropagateComplete"/> or <see cref="ShapeAnalysis.PropagateSymbolic"/>.
/// </summary>
public sealed class PropagateShapes : IGraphPass
{
    public string Name => nameof(PropagateShapes);

    /// <summary>Refines types only; returns whether any value's printed type changed.</summary>
    public bool Run(Graph graph)
    {
        var before = ShapeAnalysis.AllValues(graph).Select(v => v.Type).ToArray();
        ShapeAnalysis.PropagateSymbolic(graph);
        var after = ShapeAnalysis.AllValues(graph).Select(v => v.Type).ToArray();
        return !before.SequenceEqual(after);
    }
}

using Jit.Ir;
using Jit.Passes.Support;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Answers <c>prim::device</c>, <c>prim::is_cuda</c> and <c>prim::is_cpu</c> for a graph that will
/// run on one device, every tensor of which lives there. Not part of the default pipeline, whose
/// graphs may run anywhere; the static runtime runs it when it plans a graph for its backend, where
/// these queries would otherwise give the same answer on every call. Models branch on them to
/// choose a fast path (nn.TransformerEncoderLayer checks each parameter's device), so folding
/// them lets ConstantPropagation choose the branch once.
/// </summary>
public sealed class FoldDeviceQueries(Device device) : IGraphPass
{
    public string Name => nameof(FoldDeviceQueries);

    /// <summary>What a device query <paramref name="kind"/> returns for a tensor on <paramref name="on"/>; null for other ops.</summary>
    public static IValue? Answer(string kind, Device on) => kind switch
    {
        "prim::device" => (IValue?)IValue.FromDevice(on),
        "prim::is_cuda" => IValue.FromBool(on.Kind == DeviceKind.Cuda),
        "prim::is_cpu" => IValue.FromBool(on.Kind == DeviceKind.Cpu),
        _ => null,
    };

    public bool Run(Graph graph)
    {
        bool changed = false;
        foreach (var n in graph.AllNodes().ToList())
        {
            if (Answer(n.Kind, device) is not { } answer || n.Inputs.Count != 1 || n.Inputs[0].Type is not TensorType) continue;
            using (graph.InsertPointAt(n))
                n.Output().ReplaceAllUsesWith(ConstantValues.Insert(graph, answer, n.Output().Type));
            n.Destroy();
            changed = true;
        }
        return changed;
    }
}

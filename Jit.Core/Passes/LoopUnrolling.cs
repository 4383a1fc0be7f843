using Jit.Ir;
using Jit.Passes.Support;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Fully unrolls small for-loops, as PyTorch's <c>UnrollLoops</c> does for constant trip counts:
/// a <c>prim::Loop</c> whose initial condition and body condition are the constant <c>true</c>
/// (a for-loop, PyTorch's <c>isForLoop</c>), whose trip count is a constant of at most
/// <see cref="MaxTripCount"/> and whose body has at most <see cref="MaxBodySize"/> nodes is
/// replaced by that many copies of its body, each with its iteration number as a constant.
/// Inner loops are unrolled first. Larger or data-dependent loops stay as they are (no partial
/// unrolling).
/// </summary>
public sealed class LoopUnrolling : IGraphPass
{
    /// <param name="maxTripCount">PyTorch's unroll factor, 8.</param>
    /// <param name="maxBodySize">PyTorch's <c>kMaxBodySize</c>, 32 nodes (nested ones counted).</param>
    public LoopUnrolling(int maxTripCount = 8, int maxBodySize = 32)
    {
        MaxTripCount = maxTripCount;
        MaxBodySize = maxBodySize;
    }

    public int MaxTripCount { get; }
    public int MaxBodySize { get; }

    public string Name => nameof(LoopUnrolling);

    public bool Run(Graph graph) => RunBlock(graph.Block);

    private bool RunBlock(Block block)
    {
        bool changed = false;
        foreach (var node in block.Nodes)
        {
            foreach (var b in node.Blocks) changed |= RunBlock(b);
            if (node.Kind == "prim::Loop" && TripCount(node) is { } trips)
            {
                Unroll(node, trips);
                changed = true;
            }
        }
        return changed;
    }

    // The trip count of an unrollable loop, or null.
    private long? TripCount(Node loop)
    {
        if (loop.Blocks.Count != 1 || loop.Inputs.Count < 2) return null;
        var body = loop.Blocks[0];
        if (body.Outputs.Count != loop.Outputs.Count + 1 || body.Inputs.Count != loop.Outputs.Count + 1
            || loop.Inputs.Count != loop.Outputs.Count + 2) return null;
        if (!IsConstantTrue(loop.Input(1)) || !IsConstantTrue(body.Outputs[0])) return null;
        if (ConstantValues.TryEvaluate(loop.Input(0).Node) is not { IsInt: true } trips) return null;
        long n = Math.Max(0, trips.AsInt);
        if (n > MaxTripCount || Size(body) > MaxBodySize) return null;
        return n;
    }

    private static bool IsConstantTrue(Value v) => ConstantValues.TryEvaluate(v.Node) is { IsBool: true, AsBool: true };

    private static int Size(Block block) => block.Nodes.Sum(n => 1 + n.Blocks.Sum(Size));

    private static void Unroll(Node loop, long trips)
    {
        var graph = loop.Graph;
        var body = loop.Blocks[0];
        var carried = loop.Inputs.Skip(2).ToList();
        using (graph.InsertPointAt(loop))
        {
            for (long i = 0; i < trips; i++)
            {
                var env = new Dictionary<Value, Value> { [body.Inputs[0]] = ConstantValues.Insert(graph, IValue.FromInt(i), IntType.Instance) };
                for (int k = 0; k < carried.Count; k++) env[body.Inputs[k + 1]] = carried[k];
                foreach (var node in body.Nodes)
                {
                    // Values from outside the loop are used as they are.
                    var copy = graph.Insert(graph.CreateClone(node, v => env.TryGetValue(v, out var mapped) ? mapped : v));
                    for (int o = 0; o < node.Outputs.Count; o++) env[node.Outputs[o]] = copy.Outputs[o];
                }
                carried = body.Outputs.Skip(1).Select(v => env.TryGetValue(v, out var mapped) ? mapped : v).ToList();
            }
        }
        for (int k = 0; k < loop.Outputs.Count; k++) loop.Outputs[k].ReplaceAllUsesWith(carried[k]);
        loop.Destroy();
    }
}

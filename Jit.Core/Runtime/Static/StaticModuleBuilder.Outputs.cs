using Jit.Ir;

namespace Jit.Runtime.Static;

// Where results go at the return: graph outputs and the items of tuples built only to be returned.
internal sealed partial class StaticModuleBuilder
{
    // TupleConstructs the runtime assembles at the return instead of running as a step.
    private readonly HashSet<Node> _returnedTuples = [];

    /// <summary>
    /// Per graph output, the tuple it is when a top-level <c>prim::TupleConstruct</c> builds it and
    /// nothing but the return uses it (null for the other outputs): the runtime gathers the items at
    /// the return, so a caller's tuple (or, with managed outputs, the runtime's last one) holding the
    /// same values comes back instead of a new tuple, and its tensors can be destinations.
    /// </summary>
    private OutputTuple?[] FindOutputTuples()
    {
        var outputs = _graph.Outputs;
        var tuples = new OutputTuple?[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            var v = outputs[i];
            if (v.Node.Kind != "prim::TupleConstruct" || v.Node.Owner != _graph.Block || v.Uses.Count != 1) continue;
            tuples[i] = new OutputTuple(i, Slots(v.Node.Inputs));
            _returnedTuples.Add(v.Node);
        }
        return tuples;
    }

    /// <summary>
    /// The graph output (and tuple item, or -1) whose caller-given tensor may receive <paramref name="v"/>:
    /// only where <paramref name="v"/> is returned exactly once, else (-1, -1).
    /// </summary>
    private (int Output, int Item) ReturnedAt(Value v, OutputTuple?[] tuples)
    {
        var outputs = _graph.Outputs;
        (int Output, int Item) at = (-1, -1);
        int count = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            if (tuples[i] is not null)
            {
                var items = outputs[i].Node.Inputs;
                for (int j = 0; j < items.Count; j++)
                    if (items[j] == v) (at, count) = ((i, j), count + 1);
            }
            else if (outputs[i] == v) (at, count) = ((i, -1), count + 1);
        }
        return count == 1 ? at : (-1, -1);
    }
}

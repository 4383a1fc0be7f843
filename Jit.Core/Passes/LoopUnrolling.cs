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
/// A while-loop whose condition follows from constants alone (<c>while k &lt; n</c> with
/// <c>k</c> counting from a constant and <c>n</c> known, as in a plan specialized to its inputs)
/// has a trip count too, found by running that part of the body at compile time (see
/// <see cref="WhileTripCount"/>); it unrolls the same way. Inner loops are unrolled first. Larger
/// or data-dependent loops stay as they are (no partial unrolling).
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
        if (ConstantValues.TryEvaluate(loop.Input(0).Node) is not { IsInt: true } trips || Size(body) > MaxBodySize) return null;
        long limit = Math.Max(0, trips.AsInt);
        long? n = IsConstantTrue(loop.Input(1)) && IsConstantTrue(body.Outputs[0]) ? limit : WhileTripCount(loop, limit);
        return n <= MaxTripCount ? n : null;
    }

    /// <summary>
    /// The trip count of a loop whose conditions depend on nothing but constants, the iteration
    /// number and carried values that start as constants and are computed from those alone (a
    /// counter): that slice of the body runs on the host interpreter, iteration by iteration, until
    /// the condition is false or <paramref name="limit"/> trips are done. Null when the slice reads
    /// anything else, a node there has effects or fails, or the loop runs past <see cref="MaxTripCount"/>.
    /// </summary>
    private long? WhileTripCount(Node loop, long limit)
    {
        var body = loop.Blocks[0];
        if (ConstantValues.TryEvaluate(loop.Input(1).Node) is not { IsBool: true } first) return null;
        if (ControlSlice(loop) is not { } found) return null;
        var (nodes, carried) = found;
        var slice = new Graph();
        var map = new Dictionary<Value, Value> { [body.Inputs[0]] = slice.AddInput("i", IntType.Instance) };
        foreach (int k in carried) map[body.Inputs[k + 1]] = slice.AddInput(null, body.Inputs[k + 1].Type);
        Value Map(Value v)
        {
            if (!map.TryGetValue(v, out var mapped))
                map[v] = mapped = slice.Block.AppendNode(slice.CreateClone(v.Node, _ => throw new InvalidOperationException("a constant has no inputs"))).Output();
            return mapped;
        }
        foreach (var n in body.Nodes.Where(nodes.Contains))
        {
            var copy = slice.Block.AppendNode(slice.CreateClone(n, Map, copyBlocks: false));
            for (int o = 0; o < n.Outputs.Count; o++) map[n.Outputs[o]] = copy.Outputs[o];
        }
        slice.RegisterOutput(Map(body.Outputs[0]));
        foreach (int k in carried) slice.RegisterOutput(Map(body.Outputs[k + 1]));
        var interpreter = new Interpreter(slice, HostOnlyBackend.Instance);
        var values = carried.Select(k => ConstantValues.TryEvaluate(loop.Input(k + 2).Node)!.Value).ToArray();
        bool go = first.AsBool;
        for (long trip = 0; ; trip++)
        {
            if (!go || trip >= limit) return trip;
            if (trip >= MaxTripCount) return null;
            IValue[] results;
            try
            {
                results = interpreter.Run([IValue.FromInt(trip), .. values]);
            }
            catch (Exception e) when (e is Errors.JitException or ArithmeticException or InvalidCastException or InvalidOperationException)
            {
                return null; // the error belongs to run time
            }
            if (!results[0].IsBool) return null;
            go = results[0].AsBool;
            values = results[1..];
        }
    }

    /// <summary>
    /// The body nodes the loop's condition is computed from, and the carried values it reads (by
    /// index), when those start as constants and the slice holds only effect-free, block-free ops
    /// on numbers; null otherwise.
    /// </summary>
    private static (HashSet<Node> Nodes, List<int> Carried)? ControlSlice(Node loop)
    {
        var body = loop.Blocks[0];
        var nodes = new HashSet<Node>();
        var carried = new List<int>();
        var seen = new HashSet<Value>();
        var work = new Stack<Value>([body.Outputs[0]]);
        while (work.TryPop(out var v))
        {
            if (!seen.Add(v)) continue;
            if (v.Type is not (IntType or BoolType or FloatType)) return null;
            if (v.Node.Kind == "prim::Constant") continue;
            int input = IndexOf(body.Inputs, v);
            if (input == 0) continue;
            if (input > 0)
            {
                if (ConstantValues.TryEvaluate(loop.Input(input + 1).Node) is null) return null;
                carried.Add(input - 1);
                work.Push(body.Outputs[input]);
                continue;
            }
            var n = v.Node;
            if (n.Owner != body || n.Blocks.Count > 0 || !IsPure(n)) return null;
            nodes.Add(n);
            foreach (var x in n.Inputs) work.Push(x);
        }
        carried.Sort();
        return (nodes, carried);
    }

    private static int IndexOf(IReadOnlyList<Value> values, Value v)
    {
        for (int i = 0; i < values.Count; i++) if (values[i] == v) return i;
        return -1;
    }

    private static bool IsPure(Node n)
    {
        try
        {
            var op = n.Op;
            return !op.HasSideEffects && !op.IsNondeterministic && !op.MutatesInputs;
        }
        catch (Errors.JitException)
        {
            return false;
        }
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

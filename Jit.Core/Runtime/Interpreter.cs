using Jit.Errors;
using Jit.Ir;
using Jit.Runtime.Host;
using Jit.Tensors;

namespace Jit.Runtime;

/// <summary>
/// The reference interpreter: runs any graph node by node, control flow included. Tensor ops go to
/// the backend's kernels, number/list/str ops to the host kernels, structural <c>prim::</c> ops are
/// handled here. Slow and plain on purpose: it is the oracle the optimized paths are checked against.
/// </summary>
public sealed partial class Interpreter
{
    private readonly Graph _graph;
    private readonly IBackend _backend;
    private readonly Dictionary<Node, OpKernel> _kernels = [];

    public Interpreter(Graph graph, IBackend backend)
    {
        _graph = graph;
        _backend = backend;
    }

    /// <summary>
    /// Called with each node output and its value after the node runs (nested blocks included),
    /// for analyses checked against real runs (shape analysis tests). Null: no calls.
    /// </summary>
    public Action<Value, IValue>? Observer { get; set; }

    /// <summary>The device the graph runs on.</summary>
    public Device Device => _backend.Device;

    /// <summary>Runs the graph on <paramref name="inputs"/> (one per graph input, <c>self</c> included if the graph has it).</summary>
    public IValue[] Run(ReadOnlySpan<IValue> inputs)
    {
        if (inputs.Length != _graph.Inputs.Count)
            throw new JitTypeException(
                $"the graph takes {_graph.Inputs.Count} inputs ({string.Join(", ", _graph.Inputs.Select(v => "%" + v.DisplayName + " : " + v.Type))}) but {inputs.Length} were given");
        var env = new Dictionary<Value, IValue>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = _graph.Inputs[i];
            ValueTypes.Check(inputs[i], v.Type, $"input {i} (%{v.DisplayName})");
            env[v] = inputs[i];
        }
        RunBlock(_graph.Block, env);
        var outputs = new IValue[_graph.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = env[_graph.Outputs[i]];
        return outputs;
    }

    private void RunBlock(Block block, Dictionary<Value, IValue> env)
    {
        foreach (var node in block.Nodes)
        {
            try
            {
                RunNode(node, env);
                if (Observer is { } observe)
                    foreach (var o in node.Outputs)
                        if (env.TryGetValue(o, out var value)) observe(o, value);
            }
            catch (JitException e)
            {
                if (e.Context.Count == 0 || !e.Context[^1].StartsWith("while running", StringComparison.Ordinal))
                    e.WithContext("while running " + Describe(node));
                throw;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                          or InvalidCastException or OverflowException or NullReferenceException
                                          or ArithmeticException or NotSupportedException)
            {
                throw new JitRuntimeException($"internal error in {node.Kind}: {e.Message}", e).WithContext("while running " + Describe(node));
            }
        }
    }

    private static string Describe(Node node)
    {
        string text = node.ToString().Trim();
        if (text.Length > 200) text = text[..200] + "…";
        return node.SourceRange is { } r ? $"{text} (at {r})" : text;
    }

    private void RunNode(Node node, Dictionary<Value, IValue> env)
    {
        if (TryRunStructural(node, env) || TryRunFusion(node, env)) return;
        var kernel = KernelFor(node);
        var inputs = new IValue[node.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = env[node.Inputs[i]];
        var outputs = new IValue[node.Outputs.Count];
        kernel(inputs, outputs);
        for (int i = 0; i < outputs.Length; i++) env[node.Outputs[i]] = outputs[i];
    }

    private OpKernel KernelFor(Node node)
    {
        if (_kernels.TryGetValue(node, out var k)) return k;
        string name = OverloadName(node);
        if (!_backend.Kernels.TryGet(name, out k) && !HostKernels.Table.TryGet(name, out k))
            throw new JitSchemaException($"no kernel for {name} on device '{_backend.Device}'");
        _kernels[node] = k;
        return k;
    }

    private static IValue Env(Dictionary<Value, IValue> env, Value v) => env[v];
}

using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime;

// What the tensor-expression fuser leaves in a graph: prim::TypeCheck guards and
// prim::TensorExprGroup nodes, whose subgraphs run through the backend's fused-kernel compiler.
public sealed partial class Interpreter
{
    /// <summary>The node kind of a fusion group (its subgraph is the <c>Subgraph</c> attribute).</summary>
    public const string TensorExprGroupKind = "prim::TensorExprGroup";

    /// <summary>The node kind of the guard in front of a fusion group.</summary>
    public const string TypeCheckKind = "prim::TypeCheck";

    private readonly Dictionary<Node, OpKernel> _groups = [];

    private bool TryRunFusion(Node node, Dictionary<Value, IValue> env)
    {
        switch (node.Kind)
        {
            case TypeCheckKind:
                RunTypeCheck(node, env);
                return true;
            case TensorExprGroupKind:
                RunGroup(node, env);
                return true;
            default:
                return false;
        }
    }

    // %a.checked, …, %ok = prim::TypeCheck[types=[…]](%a, …): the values pass through unchanged;
    // %ok says whether all of them match their recorded types (see TypeGuard).
    private void RunTypeCheck(Node node, Dictionary<Value, IValue> env)
    {
        var types = node.GetAttribute("types")?.Value as JitType[]
                    ?? throw new JitRuntimeException("prim::TypeCheck has no 'types' attribute");
        if (node.Outputs.Count != node.Inputs.Count + 1 || types.Length != node.Inputs.Count)
            throw new JitRuntimeException(
                $"prim::TypeCheck checks {node.Inputs.Count} values with {types.Length} types and has {node.Outputs.Count} outputs; expected one type per value and one more output");
        var values = new IValue[node.Inputs.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = env[node.Inputs[i]];
            env[node.Outputs[i]] = values[i];
        }
        env[node.Outputs[^1]] = TypeGuard.Check(values, types, _backend.Device);
    }

    private void RunGroup(Node node, Dictionary<Value, IValue> env)
    {
        if (!_groups.TryGetValue(node, out var kernel))
        {
            var subgraph = node.GetAttribute(Jit.Ir.Text.IrPrinter.SubgraphAttribute)?.Value as Graph
                           ?? throw new JitRuntimeException($"{node.Kind} has no subgraph");
            kernel = _backend.FusedKernelCompiler?.TryCompile(subgraph) ?? InterpretedFusedKernel.Create(subgraph, _backend);
            _groups[node] = kernel;
        }
        var inputs = new IValue[node.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = env[node.Inputs[i]];
        var outputs = new IValue[node.Outputs.Count];
        kernel(inputs, outputs);
        for (int i = 0; i < outputs.Length; i++) env[node.Outputs[i]] = outputs[i];
    }
}

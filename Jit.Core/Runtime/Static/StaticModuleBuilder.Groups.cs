using Jit.Ir;

namespace Jit.Runtime.Static;

// Fusion groups as out-variants: a group the backend compiles with destinations runs like any
// out-variant op (planned outputs, nothing allocated); the others keep the allocating kernel.
internal sealed partial class StaticModuleBuilder
{
    private readonly Dictionary<Node, OutKernel> _groupsInto = [];

    /// <summary>Compiles, once per plan, the out-variant of every fusion group the backend has one for.</summary>
    private void CompileGroupsInto()
    {
        if (_backend.FusedKernelCompiler is not { } compiler) return;
        foreach (var n in _graph.AllNodes())
        {
            if (n.Kind != Interpreter.TensorExprGroupKind) continue;
            if (n.GetAttribute(Jit.Ir.Text.IrPrinter.SubgraphAttribute)?.Value is Graph subgraph && compiler.TryCompileInto(subgraph) is { } kernel)
                _groupsInto[n] = kernel;
        }
    }
}

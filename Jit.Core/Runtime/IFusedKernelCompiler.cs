using Jit.Ir;

namespace Jit.Runtime;

/// <summary>
/// Turns the subgraph of one <c>prim::TensorExprGroup</c> into something the interpreter can call:
/// a backend's tensor-expression code generator (the CPU IL, CUDA, OpenCL or Vulkan renderer plus
/// compiler). The subgraph's inputs are the group's inputs in order (tensors already past the
/// group's <c>prim::TypeCheck</c>, so their dtypes, ranks and stride layout are as typed); the
/// kernel writes one value per subgraph output.
/// </summary>
public interface IFusedKernelCompiler
{
    /// <summary>
    /// A kernel computing <paramref name="subgraph"/>, or null when this compiler cannot lower it
    /// (an op without a lowering): the interpreter then runs the subgraph itself, which is the
    /// reference semantics every compiled kernel is tested against. Called once per group node.
    /// </summary>
    OpKernel? TryCompile(Graph subgraph);

    /// <summary>
    /// The group's out-variant, for the static runtime: writes into one destination per subgraph
    /// output, contiguous and of that output's dtype and sizes, never overlapping an input
    /// (the <see cref="OutKernel"/> contract), so planned groups allocate nothing. Null where this
    /// compiler has none or cannot lower the group; the runtime then uses <see cref="TryCompile"/>.
    /// </summary>
    OutKernel? TryCompileInto(Graph subgraph) => null;
}

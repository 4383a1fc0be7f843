using Jit.Ir;

namespace Jit.Runtime;

/// <summary>
/// The reference implementation of a fusion group: the group's subgraph run node by node by the
/// interpreter on the same backend. Used when the backend has no <see cref="IFusedKernelCompiler"/>
/// or its compiler declines a group, so fused graphs always run and give the unfused results.
/// </summary>
public static class InterpretedFusedKernel
{
    public static OpKernel Create(Graph subgraph, IBackend backend)
    {
        var interpreter = new Interpreter(subgraph, backend);
        return (inputs, outputs) =>
        {
            var results = interpreter.Run(inputs);
            for (int i = 0; i < results.Length; i++) outputs[i] = results[i];
        };
    }
}

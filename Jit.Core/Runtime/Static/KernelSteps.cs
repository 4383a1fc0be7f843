using Jit.Ir;

namespace Jit.Runtime.Static;

/// <summary>Calls an op's kernel; the kernel allocates its outputs (the fallback for ops without an out-variant).</summary>
internal sealed class KernelStep(Node node, OpKernel kernel, int[] inputs, int[] outputs) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        var ins = runtime.InScratch.AsSpan(0, inputs.Length);
        for (int i = 0; i < inputs.Length; i++) ins[i] = frame[inputs[i]];
        var outs = runtime.OutScratch.AsSpan(0, outputs.Length);
        outs.Clear();
        kernel(ins, outs);
        for (int i = 0; i < outputs.Length; i++) frame[outputs[i]] = outs[i];
        ins.Clear();
    }
}

/// <summary>
/// Calls an op's out-variant: each output slot already holds its destination (an arena view, a
/// caller's output tensor, or a tensor the runtime allocated for an escaping value).
/// </summary>
internal sealed class OutKernelStep(Node node, OutKernel kernel, int[] inputs, int[] outputs) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        var ins = runtime.InScratch.AsSpan(0, inputs.Length);
        for (int i = 0; i < inputs.Length; i++) ins[i] = frame[inputs[i]];
        var outs = runtime.OutScratch.AsSpan(0, outputs.Length);
        for (int i = 0; i < outputs.Length; i++) outs[i] = frame[outputs[i]];
        kernel(ins, outs);
        ins.Clear();
        outs.Clear();
    }
}

/// <summary>
/// A node no kernel can be found for at plan time (no overload matches its static types), in a
/// branch that may never run: like the interpreter, the error is raised only if it is reached.
/// </summary>
internal sealed class UnresolvedStep(Node node, Errors.JitException error) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime) => throw new Errors.JitSchemaException(error.Message);
}

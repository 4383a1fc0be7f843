using Jit.Ir;

namespace Jit.Runtime.Static;

/// <summary>
/// <c>prim::TypeCheck</c>: the checked values pass through and the last output says whether they all
/// match the types the fuser recorded (see <see cref="TypeGuard"/>). A plan is specialized to one
/// signature, so on the plan's own inputs the guard passes; it still runs, being cheap and honest.
/// </summary>
internal sealed class TypeCheckStep(Node node, JitType[] types, Device device, int[] inputs, int[] outputs) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        var values = runtime.InScratch.AsSpan(0, inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            values[i] = frame[inputs[i]];
            frame[outputs[i]] = values[i];
        }
        frame[outputs[^1]] = TypeGuard.Check(values, types, device);
        values.Clear();
    }
}

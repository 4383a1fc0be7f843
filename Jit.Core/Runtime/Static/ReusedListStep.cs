using Jit.Ir;

namespace Jit.Runtime.Static;

/// <summary>
/// <c>prim::ListConstruct</c> of a list that never outlives the run (see
/// <see cref="StaticModuleBuilder"/>): refills this runtime's own list in its output slot
/// instead of making one, so appends to it reuse its capacity and a steady run allocates nothing.
/// </summary>
internal sealed class ReusedListStep(Node node, int[] inputs, int output) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        var items = frame[output].AsList.Items;
        items.Clear();
        for (int i = 0; i < inputs.Length; i++) items.Add(frame[inputs[i]]);
    }
}

/// <summary>A list each runtime makes once, in <see cref="Slot"/>, for a <see cref="ReusedListStep"/>.</summary>
internal sealed record ReusedList(int Slot, JitType Element);

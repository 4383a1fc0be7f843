using Jit.Errors;

namespace Jit.Ir;

/// <summary>
/// An attribute value that IR text shows only as a summary (<c>&lt;Tensor&gt;</c>, a rounded
/// tensor printout such as <c> 1.5000 -2.0000 [ CPUFloatType{2} ]</c>, <c>&lt;Graph&gt;</c>,
/// <c>[&lt;Tensors&gt;]</c>). The parser keeps the text so the graph prints back identically; the
/// real value is not in the text, so anything that needs it gets a clear error.
/// </summary>
public sealed record PrintedValue(string Text)
{
    public JitIrException Unavailable(string what) =>
        new($"{what} is only known by its printed form '{Text}': the IR text does not hold its value, so it cannot be evaluated");

    public override string ToString() => Text;
}

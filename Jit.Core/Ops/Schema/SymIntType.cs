using Jit.Ir;

namespace Jit.Ops;

/// <summary>PyTorch 1.13's <c>SymInt</c> schema type: an int that may be symbolic while tracing; an int at run time.</summary>
public sealed class SymIntType() : SimpleType("SymInt")
{
    public static readonly SymIntType Instance = new();
}

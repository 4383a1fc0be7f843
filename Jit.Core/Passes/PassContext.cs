using Jit.Modules;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// What some passes need besides the graph: the module whose method it is (Inline resolves calls,
/// Freeze reads attributes) and a backend whose kernels fold constants. Passes that need what the
/// context lacks are left out of a pipeline built from it.
/// </summary>
public sealed record PassContext(JitModule? Module = null, IBackend? ConstantFoldingBackend = null)
{
    public static readonly PassContext None = new();
}

using Jit.Errors;

namespace Jit.TensorExpr.Lowering;

/// <summary>
/// A fusion group cannot be lowered to a TE kernel: an op without a lowering, an argument that is
/// not a compile-time constant where the kernel needs one, or an unknown dtype. The group then
/// runs interpreted; the message names the node.
/// </summary>
public sealed class TeLoweringException : JitException
{
    public TeLoweringException(string message) : base(message) { }
}

using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// The out-variant of <c>aten::_transformer_encoder_layer_fwd</c>: the ordinary kernel's
/// <see cref="EncoderLayer"/> writing into the planned output, every temporary in its per-thread
/// workspace. (<c>_native_multi_head_attention</c> has two outputs, one of them optional: none.)
/// </summary>
internal static class OutAttentionKernels
{
    public static void Register(KernelTable t) =>
        OutSupport.Add(t, "aten::_transformer_encoder_layer_fwd", (i, o) =>
        {
            EncoderLayer.Parse(i).Run(o);
            return true;
        });
}

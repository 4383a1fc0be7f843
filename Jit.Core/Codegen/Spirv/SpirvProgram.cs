using Jit.TensorExpr;

namespace Jit.Codegen.Spirv;

/// <summary>
/// A <see cref="TeKernel"/> rendered for Vulkan: one SPIR-V 1.3 module (Vulkan 1.1) holding one
/// GLCompute entry point per <see cref="GpuStage"/> (and per <see cref="GpuStage.Serial"/> form),
/// named and launched exactly as the stages of a <see cref="GpuProgram"/>: in order, one queue,
/// grid-stride, work-groups of <see cref="GpuStage.LocalSize"/> along x.
/// <para>
/// The ABI every entry point shares: descriptor set 0, one storage buffer per buffer of
/// <see cref="TeKernel.Inputs"/>, then <see cref="TeKernel.Outputs"/>, then <see cref="Temps"/>,
/// at bindings 0, 1, 2, … (a block holding a runtime array of the element type with its
/// ArrayStride); and one push-constant block of int64 members at offsets 0, 8, 16, …: each buffer's
/// element offset, in binding order, then each of <see cref="TeKernel.Params"/>
/// (<see cref="PushConstantBytes"/> bytes in all). Where that block is larger than the device's
/// <c>maxPushConstantsSize</c> (given to <see cref="VulkanRenderer.Render(TeKernel, int, int)"/>), the
/// same block is a read-only storage buffer at the binding after the temps instead
/// (<see cref="ArgumentsInBuffer"/>). Elements are float32, float64, int32, int64,
/// int16 (SPV_KHR_16bit_storage), int8 and uint8, and bool as one byte (0 or 1) (SPV_KHR_8bit_storage);
/// 8- and 16-bit integers compute in int32, wrapped after each operation. float16 and bfloat16
/// are refused when rendering (<see cref="Jit.Errors.JitIrException"/> naming the dtype).
/// </para>
/// <para>
/// The module declares Int64 (and Float64, StorageBuffer8BitAccess, StorageBuffer16BitAccess where
/// used; <see cref="RequiredFeatures"/> lists them): the backend must check the device's
/// <c>shaderInt64</c> (and <c>shaderFloat64</c>, <c>storageBuffer8BitAccess</c>, <c>storageBuffer16BitAccess</c>) and fail with an error naming the missing feature, and check
/// <see cref="PushConstantBytes"/> against <c>maxPushConstantsSize</c> (at least 128 bytes: 16
/// buffers and params).
/// </para>
/// <para>
/// Semantics are the oracle's as in <see cref="CStylePrinter"/> with these differences Vulkan
/// imposes: float division, fmod and the transcendental functions have Vulkan's precision (not
/// correctly rounded); log10, log1p, expm1, erf and erfc are written out from exp/log (erf and
/// erfc to about 1.5e-7 absolute); GLSL.std.450 has the transcendental functions in 32 bits only,
/// so on float64 they are refused (<see cref="Jit.Errors.JitIrException"/>) rather than computed in float32.
/// </para>
/// </summary>
/// <param name="Kernel">The kernel as scheduled for the device (what was rendered).</param>
/// <param name="Words">The module.</param>
/// <param name="Stages">Launches in order.</param>
/// <param name="Temps">Global temporaries the host allocates per launch (contiguous, sizes over the params).</param>
public sealed record SpirvProgram(TeKernel Kernel, uint[] Words, IReadOnlyList<GpuStage> Stages, IReadOnlyList<TeBuffer> Temps)
{
    /// <summary>The size of the push-constant block: 8 bytes per buffer and per param.</summary>
    public int PushConstantBytes => 8 * (Kernel.Inputs.Count + Kernel.Outputs.Count + Temps.Count + Kernel.Params.Count);

    /// <summary>True when the offsets and params are a storage buffer at binding <see cref="ArgumentBinding"/>, not push constants.</summary>
    public bool ArgumentsInBuffer { get; init; }

    /// <summary>The binding of the argument buffer (after every input, output and temp).</summary>
    public int ArgumentBinding => Kernel.Inputs.Count + Kernel.Outputs.Count + Temps.Count;

    /// <summary>The device features the module needs, by their Vulkan names (shaderInt64 always).</summary>
    public IReadOnlyList<string> RequiredFeatures { get; init; } = ["shaderInt64"];

    /// <summary>The module as bytes (little-endian words), as <c>vkCreateShaderModule</c> takes it.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Words.Length * 4];
        Buffer.BlockCopy(Words, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>The readable listing (<see cref="SpirvDisassembler"/>).</summary>
    public string Listing() => SpirvDisassembler.Print(Words);
}

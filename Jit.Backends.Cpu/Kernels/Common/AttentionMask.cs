using System.Numerics;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The attention mask of PyTorch 1.13's CPU fast path. A mask is converted to bool (nonzero, NaN
/// included, means masked out). A 2-D mask is always read as a key padding mask [B, T] and
/// broadcast over heads and queries, whatever mask_type says; any other mask must already be
/// [B, H, T, T]. mask_type must then be given: 0 (src_mask) is rejected on CPU, 1 and 2 both
/// mean "true masks the key". These are 1.13's rules (checked against it), not those of later
/// releases, where mask_type 0 takes an [L, L] mask and 2 broadcasts. No mask masks nothing.
/// </summary>
internal readonly struct AttentionMask
{
    private readonly Tensor? _mask;

    private AttentionMask(Tensor mask) => _mask = mask;

    /// <summary>Checks <paramref name="mask"/> (null for none) against the call's dims and mask_type.</summary>
    public static AttentionMask Of(string op, Tensor? mask, AttentionDims d, long? maskType)
    {
        if (mask is null) return default;
        var full = new[] { d.B, d.H, d.T, d.T };
        if (mask.Rank == 2)
        {
            if (mask.Sizes[0] != d.B)
                throw new JitShapeException($"{op}: a 2-D mask is a key padding mask [batch, seq_len] = [{d.B}, {d.T}]; expected attn_mask->sizes()[0] == batch_size, got mask {ShapeUtil.Format(mask.Sizes)}");
            if (mask.Sizes[1] != d.T)
                throw new JitShapeException($"{op}: a 2-D mask is a key padding mask [batch, seq_len] = [{d.B}, {d.T}]; expected attn_mask->sizes()[1] == seq_len, got mask {ShapeUtil.Format(mask.Sizes)}");
        }
        else if (!mask.Sizes.SequenceEqual(full))
        {
            throw new JitShapeException($"{op}: Mask shape should match input shape {ShapeUtil.Format(full)}, got mask {ShapeUtil.Format(mask.Sizes)}");
        }
        switch (maskType)
        {
            case null: throw new JitRuntimeException($"{op}: Mask Type should be defined (a mask was given with mask_type=None)");
            case 0: throw new JitRuntimeException($"{op}: src_mask not currently supported on CPU (mask_type=0)");
            case 1 or 2: break;
            default: throw new JitRuntimeException($"{op}: Mask Type should be 0 (src_mask) or 1 (src_key_padding_mask), or 2 (default_mask), got {maskType}");
        }
        return new AttentionMask(mask);
    }

    /// <summary>
    /// Sets the masked scores of batch <paramref name="b"/>, head <paramref name="h"/> to -inf in
    /// <paramref name="scores"/> ([T, T], queries by keys), so a fully masked row becomes NaN, as in ATen.
    /// </summary>
    public void Apply<T>(Span<T> scores, long b, long h, long t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_mask is not { } m) return;
        for (long i = 0; i < t; i++)
        {
            for (long j = 0; j < t; j++)
            {
                // A padding mask [B, T] indexes by batch and key only.
                double v = m.Rank == 2 ? m.GetDouble(b * t + j) : m.GetDouble(((b * m.Sizes[1] + h) * t + i) * t + j);
                if (v != 0) scores[(int)(i * t + j)] = T.NegativeInfinity;
            }
        }
    }
}

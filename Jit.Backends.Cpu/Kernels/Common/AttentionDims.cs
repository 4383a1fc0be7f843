using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Batch B, sequence T, embedding E, heads H and head size E/H of a fused attention call.</summary>
internal readonly record struct AttentionDims(long B, long T, long E, long H)
{
    public long HeadDim => E / H;

    /// <summary>The argument checks of ATen's native_multi_head_attention, in its order and words.</summary>
    public static AttentionDims Check(string op, Tensor query, Tensor key, Tensor value, long embedDim, long numHeads, AttentionWeights w)
    {
        if (query.Rank != 3) throw Shape(op, $"expected 3-D `query`, got {query.Rank}-D tensor {ShapeUtil.Format(query.Sizes)}");
        if (query.Sizes[2] != embedDim) throw Shape(op, $"passed-in embed_dim {embedDim} didn't match last dim of query {query.Sizes[2]}");
        if (key.Rank != 3) throw Shape(op, $"expected 3-D `key`, got {key.Rank}-D tensor {ShapeUtil.Format(key.Sizes)}");
        if (value.Rank != 3) throw Shape(op, $"expected 3-D `value`, got {value.Rank}-D tensor {ShapeUtil.Format(value.Sizes)}");
        if (!query.Sizes.SequenceEqual(key.Sizes) || !key.Sizes.SequenceEqual(value.Sizes))
            throw Shape(op, $"expected `query`/`key`/`value` shapes to match, got {ShapeUtil.Format(query.Sizes)}, {ShapeUtil.Format(key.Sizes)} and {ShapeUtil.Format(value.Sizes)}");
        var qw = w.QkvWeight;
        if (qw.Rank != 2) throw Shape(op, $"expected 2-D `qkv_weight`, got {qw.Rank}-D tensor {ShapeUtil.Format(qw.Sizes)}");
        if (qw.Sizes[0] != 3 * embedDim) throw Shape(op, $"expected `qkv_weight` first dim to be 3x embed_dim ({3 * embedDim}), got {ShapeUtil.Format(qw.Sizes)}");
        if (qw.Sizes[1] != embedDim) throw Shape(op, $"expected `qkv_weight` second dim to be embed_dim ({embedDim}), got {ShapeUtil.Format(qw.Sizes)}");
        var qb = w.QkvBias;
        if (qb.Rank != 1) throw Shape(op, $"expected 1-D `qkv_bias`, got {qb.Rank}-D tensor {ShapeUtil.Format(qb.Sizes)}");
        if (qb.Sizes[0] != 3 * embedDim) throw Shape(op, $"expected `qkv_bias` of size 3x embed_dim ({3 * embedDim}), got {ShapeUtil.Format(qb.Sizes)}");
        if (numHeads <= 0 || embedDim % numHeads != 0)
            throw Shape(op, $"`embed_dim` must divide evenly by `num_heads` (embed_dim {embedDim}, num_heads {numHeads})");
        // One check per tensor, not a loop over a fresh array: this runs on every call.
        SameDType(op, "key", key, query);
        SameDType(op, "value", value, query);
        SameDType(op, "qkv_weight", qw, query);
        SameDType(op, "qkv_bias", qb, query);
        SameDType(op, "proj_weight", w.ProjWeight, query);
        SameDType(op, "proj_bias", w.ProjBias, query);
        var pw = w.ProjWeight;
        if (pw.Rank != 2 || pw.Sizes[1] != embedDim)
            throw Shape(op, $"expected `proj_weight` of shape [out, embed_dim ({embedDim})], got {ShapeUtil.Format(pw.Sizes)}");
        if (w.ProjBias.Rank != 1 || w.ProjBias.Sizes[0] != pw.Sizes[0])
            throw Shape(op, $"expected `proj_bias` of shape [{pw.Sizes[0]}] to match `proj_weight` {ShapeUtil.Format(pw.Sizes)}, got {ShapeUtil.Format(w.ProjBias.Sizes)}");
        ShapeArgs.RequireFloat(query, op);
        return new AttentionDims(query.Sizes[0], query.Sizes[1], embedDim, numHeads);
    }

    /// <summary>A tensor argument must have the query's dtype, as ATen's kernels require.</summary>
    public static void SameDType(string op, string name, Tensor t, Tensor query)
    {
        if (t.DType != query.DType)
            throw new JitTypeException($"{op}: expected `{name}` to have the query's dtype {query.DType.PythonName()}, got {t.DType.PythonName()}");
    }

    private static JitShapeException Shape(string op, string message) => new($"{op}: {message}");
}

using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// PyTorch's view arithmetic (TensorShape.cpp, TensorUtils.cpp): each method returns a tensor on
/// the same storage with exactly the sizes, strides and storage offset PyTorch computes, so later
/// ops (and the no-copy guarantee the graph passes rely on) see the same layout.
/// </summary>
internal static class ShapeViews
{
    public static Tensor Alias(Tensor t) => t.AsStrided(t.Sizes, t.Strides, t.StorageOffset);

    /// <summary>Resolves one -1 in <paramref name="shape"/> against <paramref name="numel"/> (at::infer_size).</summary>
    public static long[] InferSize(ReadOnlySpan<long> shape, long numel, string op, ReadOnlySpan<long> inputShape)
    {
        var r = shape.ToArray();
        long product = 1;
        int infer = -1;
        for (int d = 0; d < r.Length; d++)
        {
            if (r[d] == -1)
            {
                if (infer >= 0) throw new JitShapeException($"{op}: only one dimension can be inferred in shape {ShapeUtil.Format(shape)}");
                infer = d;
            }
            else if (r[d] < 0)
            {
                throw new JitShapeException($"{op}: invalid shape dimension {r[d]} in shape {ShapeUtil.Format(shape)}");
            }
            else
            {
                try { product = checked(product * r[d]); }
                catch (OverflowException) { throw new JitShapeException($"{op}: shape {ShapeUtil.Format(shape)} has too many elements"); }
            }
        }
        if (infer >= 0 && product != 0 && numel % product == 0) r[infer] = numel / product;
        else if (infer >= 0 && product == 0)
            throw new JitShapeException($"{op}: cannot reshape tensor of {numel} elements of shape {ShapeUtil.Format(inputShape)} into shape {ShapeUtil.Format(shape)} because the unspecified dimension size -1 can be any value and is ambiguous");
        if ((infer < 0 && product != numel) || (infer >= 0 && (product == 0 || numel % product != 0)))
            throw new JitShapeException($"{op}: shape {ShapeUtil.Format(shape)} is invalid for input of size {numel} (input shape {ShapeUtil.Format(inputShape)})");
        return r;
    }

    /// <summary>
    /// Strides for viewing (oldShape, oldStride) as newShape without a copy, or null when the
    /// memory layout does not allow it (at::detail::computeStride).
    /// </summary>
    public static long[]? ComputeStride(ReadOnlySpan<long> oldShape, ReadOnlySpan<long> oldStride, ReadOnlySpan<long> newShape)
    {
        var newStride = new long[newShape.Length];
        if (oldShape.Length == 0)
        {
            Array.Fill(newStride, 1);
            return newStride;
        }
        long numel = 1;
        foreach (var s in oldShape) numel *= s;
        if (numel == 0 && oldShape.SequenceEqual(newShape)) return oldStride.ToArray();
        if (numel == 0)
        {
            for (int d = newShape.Length - 1; d >= 0; d--)
                newStride[d] = d == newShape.Length - 1 ? 1 : Math.Max(newShape[d + 1], 1) * newStride[d + 1];
            return newStride;
        }
        int viewD = newShape.Length - 1;
        long chunkBaseStride = oldStride[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int tensorD = oldShape.Length - 1; tensorD >= 0; tensorD--)
        {
            tensorNumel *= oldShape[tensorD];
            if (tensorD == 0 || (oldShape[tensorD - 1] != 1 && oldStride[tensorD - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1))
                {
                    newStride[viewD] = viewNumel * chunkBaseStride;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (tensorD > 0)
                {
                    chunkBaseStride = oldStride[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStride : null;
    }

    public static Tensor View(Tensor t, ReadOnlySpan<long> shape, string op = "view")
    {
        var sizes = InferSize(shape, t.NumElements, op, t.Sizes);
        var strides = ComputeStride(t.Sizes, t.Strides, sizes)
            ?? throw new JitShapeException(
                $"{op}: view size {ShapeUtil.Format(sizes)} is not compatible with input tensor's size {ShapeUtil.Format(t.Sizes)} " +
                $"and stride {ShapeUtil.Format(t.Strides)} (at least one dimension spans across two contiguous subspaces); use reshape instead");
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    /// <summary>A view when the layout allows one, else a contiguous copy viewed as the shape (at::reshape).</summary>
    public static Tensor Reshape(Tensor t, ReadOnlySpan<long> shape, string op = "reshape")
    {
        var sizes = InferSize(shape, t.NumElements, op, t.Sizes);
        var strides = ComputeStride(t.Sizes, t.Strides, sizes);
        if (strides is not null) return t.AsStrided(sizes, strides, t.StorageOffset);
        var copy = Tensor.Empty(t.DType, t.Sizes);
        ShapeCopy.Copy(t, copy);
        return copy.AsStrided(sizes, ShapeUtil.ContiguousStrides(sizes), 0);
    }

    public static Tensor Permute(Tensor t, ReadOnlySpan<long> dims, string op = "permute")
    {
        if (dims.Length != t.Rank)
            throw new JitShapeException($"{op}: number of dims {ShapeUtil.Format(dims)} does not match the rank of input shape {ShapeUtil.Format(t.Sizes)}");
        var sizes = new long[t.Rank];
        var strides = new long[t.Rank];
        var seen = new bool[t.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            int d = ShapeArgs.Dim(dims[i], t.Rank, op);
            if (seen[d]) throw new JitShapeException($"{op}: repeated dim {dims[i]} in {ShapeUtil.Format(dims)} for input shape {ShapeUtil.Format(t.Sizes)}");
            seen[d] = true;
            sizes[i] = t.Sizes[d];
            strides[i] = t.Strides[d];
        }
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    public static Tensor Transpose(Tensor t, long dim0, long dim1, string op = "transpose")
    {
        int a = ShapeArgs.Dim(dim0, t.Rank, op), b = ShapeArgs.Dim(dim1, t.Rank, op);
        var sizes = t.SizesArray();
        var strides = t.StridesArray();
        if (t.Rank > 0)
        {
            (sizes[a], sizes[b]) = (sizes[b], sizes[a]);
            (strides[a], strides[b]) = (strides[b], strides[a]);
        }
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    public static Tensor Unsqueeze(Tensor t, long dim, string op = "unsqueeze")
    {
        int d = ShapeArgs.Dim(dim, t.Rank + 1, op);
        var sizes = t.SizesArray().ToList();
        var strides = t.StridesArray().ToList();
        long stride = d >= t.Rank ? 1 : t.Sizes[d] * t.Strides[d];
        sizes.Insert(d, 1);
        strides.Insert(d, stride);
        return t.AsStrided(sizes.ToArray(), strides.ToArray(), t.StorageOffset);
    }

    /// <summary>Drops the size-1 dims; only <paramref name="dim"/> when given.</summary>
    public static Tensor Squeeze(Tensor t, int? dim)
    {
        var sizes = new List<long>();
        var strides = new List<long>();
        for (int d = 0; d < t.Rank; d++)
        {
            if (t.Sizes[d] == 1 && (dim is null || dim == d)) continue;
            sizes.Add(t.Sizes[d]);
            strides.Add(t.Strides[d]);
        }
        return t.AsStrided(sizes.ToArray(), strides.ToArray(), t.StorageOffset);
    }

    /// <summary>at::inferExpandGeometry: broadcast dims get stride 0; -1 keeps a dim.</summary>
    public static Tensor Expand(Tensor t, ReadOnlySpan<long> target, string op = "expand")
    {
        int ndim = target.Length;
        if (ndim < t.Rank)
            throw new JitShapeException($"{op}: the number of sizes provided ({ndim}) must be greater or equal to the number of dimensions in the tensor ({t.Rank}); target {ShapeUtil.Format(target)}, tensor {ShapeUtil.Format(t.Sizes)}");
        var sizes = new long[ndim];
        var strides = new long[ndim];
        for (int i = ndim - 1; i >= 0; i--)
        {
            int dim = t.Rank - (ndim - i);
            long size = dim >= 0 ? t.Sizes[dim] : 1;
            long stride = dim >= 0 ? t.Strides[dim] : i + 1 < ndim ? sizes[i + 1] * strides[i + 1] : 1;
            long want = target[i];
            if (want == -1)
            {
                if (dim < 0) throw new JitShapeException($"{op}: the expanded size -1 isn't allowed in a leading, non-existing dimension {i}; target {ShapeUtil.Format(target)}, tensor {ShapeUtil.Format(t.Sizes)}");
                want = size;
            }
            if (want < 0) throw new JitShapeException($"{op}: invalid size {want} in target {ShapeUtil.Format(target)}");
            if (size != want)
            {
                if (size != 1)
                    throw new JitShapeException($"{op}: the expanded size of the tensor ({want}) must match the existing size ({size}) at non-singleton dimension {i}; target sizes {ShapeUtil.Format(target)}, tensor sizes {ShapeUtil.Format(t.Sizes)}");
                size = want;
                stride = 0;
            }
            sizes[i] = size;
            strides[i] = stride;
        }
        return t.AsStrided(sizes, strides, t.StorageOffset);
    }

    /// <summary>at::slice: start/end wrap once and clamp; step must be positive.</summary>
    public static Tensor Slice(Tensor t, long dim, long? start, long? end, long step, string op = "slice")
    {
        if (t.Rank == 0) throw new JitShapeException($"{op}: cannot be applied to a 0-dim tensor");
        int d = ShapeArgs.Dim(dim, t.Rank, op);
        if (step <= 0) throw new JitShapeException($"{op}: slice step must be positive but got {step} (input shape {ShapeUtil.Format(t.Sizes)})");
        long size = t.Sizes[d];
        long s = start ?? 0, e = end ?? long.MaxValue;
        if (s < 0) s += size;
        if (e < 0) e += size;
        s = s < 0 ? 0 : Math.Min(s, size);
        e = e < s ? s : Math.Min(e, size);
        var sizes = t.SizesArray();
        var strides = t.StridesArray();
        sizes[d] = (e - s + step - 1) / step;
        strides[d] = t.Strides[d] * step;
        return t.AsStrided(sizes, strides, t.StorageOffset + s * t.Strides[d]);
    }

    public static Tensor Narrow(Tensor t, long dim, long start, long length, string op = "narrow")
    {
        if (t.Rank == 0) throw new JitShapeException($"{op}: cannot be applied to a 0-dim tensor");
        int d = ShapeArgs.Dim(dim, t.Rank, op);
        long size = t.Sizes[d];
        if (start < -size || start > size)
            throw new JitShapeException($"{op}: start ({start}) is out of range for dimension {d} of size {size} (input shape {ShapeUtil.Format(t.Sizes)})");
        if (start < 0) start += size;
        if (length < 0 || start > size - length)
            throw new JitShapeException($"{op}: start ({start}) + length ({length}) exceeds dimension {d} of size {size} (input shape {ShapeUtil.Format(t.Sizes)})");
        var sizes = t.SizesArray();
        sizes[d] = length;
        return t.AsStrided(sizes, t.Strides, t.StorageOffset + start * t.Strides[d]);
    }

    public static Tensor Select(Tensor t, long dim, long index, string op = "select")
    {
        if (t.Rank == 0) throw new JitShapeException($"{op}: cannot be applied to a 0-dim tensor");
        int d = ShapeArgs.Dim(dim, t.Rank, op);
        long size = t.Sizes[d];
        if (index < -size || index >= size)
            throw new JitShapeException($"{op}: index {index} out of range for tensor of size {ShapeUtil.Format(t.Sizes)} at dimension {d}");
        if (index < 0) index += size;
        var sizes = t.SizesArray().ToList();
        var strides = t.StridesArray().ToList();
        sizes.RemoveAt(d);
        strides.RemoveAt(d);
        return t.AsStrided(sizes.ToArray(), strides.ToArray(), t.StorageOffset + index * t.Strides[d]);
    }

    /// <summary>Pieces of <paramref name="sizes"/> along <paramref name="dim"/>; they must add up to the dim's size.</summary>
    public static Tensor[] SplitWithSizes(Tensor t, ReadOnlySpan<long> sizes, long dim, string op)
    {
        if (t.Rank == 0) throw new JitShapeException($"{op}: expects at least a 1-dimensional tensor");
        int d = ShapeArgs.Dim(dim, t.Rank, op);
        long total = 0;
        foreach (var s in sizes)
        {
            if (s < 0) throw new JitShapeException($"{op}: split sizes {ShapeUtil.Format(sizes)} contain a negative size");
            total += s;
        }
        if (total != t.Sizes[d])
            throw new JitShapeException($"{op}: split sizes {ShapeUtil.Format(sizes)} must sum to the size of dimension {d} of input shape {ShapeUtil.Format(t.Sizes)}");
        var r = new Tensor[sizes.Length];
        long start = 0;
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = Narrow(t, d, start, sizes[i], op);
            start += sizes[i];
        }
        return r;
    }

    public static Tensor[] Split(Tensor t, long splitSize, long dim, string op)
    {
        if (t.Rank == 0) throw new JitShapeException($"{op}: expects at least a 1-dimensional tensor");
        int d = ShapeArgs.Dim(dim, t.Rank, op);
        long dimSize = t.Sizes[d];
        if (splitSize < 0) throw new JitShapeException($"{op}: split_size must be non-negative but got {splitSize} (input shape {ShapeUtil.Format(t.Sizes)})");
        if (splitSize == 0 && dimSize != 0)
            throw new JitShapeException($"{op}: split_size can only be 0 if dimension size is 0, but got dimension size of {dimSize} (input shape {ShapeUtil.Format(t.Sizes)})");
        long count = splitSize == 0 ? 1 : Math.Max((dimSize + splitSize - 1) / splitSize, 1);
        long last = splitSize - (splitSize * count - dimSize);
        var r = new Tensor[count];
        for (long i = 0; i < count; i++)
            r[i] = Narrow(t, d, i * splitSize, i == count - 1 ? last : splitSize, op);
        return r;
    }
}

using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>softmax/log_softmax, layer/group/batch norm and dropout (inference only). Statistics accumulate in double, but float32 layer norm's in float as PyTorch's.</summary>
internal static class NormalizationKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::softmax.int", (i, o) => o[0] = Softmax("softmax", i[0].AsTensor, i[1].AsInt, i[2], log: false));
        t.Add("aten::log_softmax.int", (i, o) => o[0] = Softmax("log_softmax", i[0].AsTensor, i[1].AsInt, i[2], log: true));
        t.Add("aten::layer_norm", (i, o) =>
            o[0] = LayerNorm("layer_norm", i[0].AsTensor, i[1], i[2].AsTensorOrNull, i[3].AsTensorOrNull, i[4].AsDouble).Output);
        t.Add("aten::native_layer_norm", (i, o) =>
        {
            var r = LayerNorm("native_layer_norm", i[0].AsTensor, i[1], i[2].AsTensorOrNull, i[3].AsTensorOrNull, i[4].AsDouble);
            o[0] = r.Output;
            o[1] = r.Mean;
            o[2] = r.Rstd;
        });
        t.Add("aten::group_norm", (i, o) =>
            o[0] = GroupNorm(i[0].AsTensor, i[1].AsInt, i[2].AsTensorOrNull, i[3].AsTensorOrNull, i[4].AsDouble));
        t.Add("aten::batch_norm", (i, o) => o[0] = BatchNorm("batch_norm", i).Output);
        t.Add("aten::native_batch_norm", (i, o) =>
        {
            var r = BatchNorm("native_batch_norm", i);
            o[0] = r.Output;
            o[1] = r.Mean;
            o[2] = r.Rstd;
        });
        t.Add("aten::dropout", (i, o) => o[0] = Dropout("dropout", i[0].AsTensor, i[2].AsBool));
        t.Add("aten::feature_dropout", (i, o) => o[0] = Dropout("feature_dropout", i[0].AsTensor, i[2].AsBool));
    }

    internal static Tensor Dropout(string op, Tensor x, bool train)
    {
        if (train)
            throw new JitRuntimeException(
                $"{op}: dropout in training mode (train=True) is not supported for inference; export the model in eval() mode");
        return x;
    }

    internal static Tensor Softmax(string op, Tensor x, long dimArg, IValue dtype, bool log)
    {
        var outType = OptDType(dtype, op) ?? x.DType;
        if (!outType.IsFloatingPoint()) throw NotImplemented(op, outType);
        int dim = WrapDim(dimArg, x.Rank, op);
        if (x.DType == DType.Float32 && outType == DType.Float32 && x.Rank > 0)
        {
            // The out-variant's computation, so the interpreter and the static runtime agree.
            var y = Tensor.Empty(DType.Float32, x.Sizes);
            if (x.NumElements > 0) NormRows.SoftmaxLines(x, dim, log, y);
            return y;
        }
        var rows = new StridedMathRows(x, x.Rank == 0 ? [] : [dim]);
        var v = rows.GatherDouble();
        long n = rows.Inner;
        for (long k = 0; k < rows.Outer; k++)
        {
            long b = k * n;
            double max = double.NegativeInfinity;
            for (long j = b; j < b + n; j++) max = Math.Max(max, v[j]);
            double sum = 0;
            for (long j = b; j < b + n; j++) sum += Math.Exp(v[j] - max);
            double logSum = Math.Log(sum);
            for (long j = b; j < b + n; j++) v[j] = log ? v[j] - max - logSum : Math.Exp(v[j] - max) / sum;
        }
        var result = Tensor.Empty(outType, x.Sizes);
        rows.Scatter(v, result);
        return result;
    }

    internal readonly record struct NormResult(Tensor Output, Tensor Mean, Tensor Rstd);

    internal static NormResult LayerNorm(string op, Tensor x, IValue normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        var ns = normalizedShape.AsList.Items.Select(v => v.AsInt).ToArray();
        int k = ns.Length;
        if (k == 0 || k > x.Rank || !x.Sizes[(x.Rank - k)..].SequenceEqual(ns))
            throw new JitShapeException(
                $"{op}: given normalized_shape={ShapeUtil.Format(ns)}, expected input with shape [*, {string.Join(", ", ns)}], but got input of size {ShapeUtil.Format(x.Sizes)}");
        if (!x.DType.IsFloatingPoint()) throw NotImplemented(op, x.DType);
        var w = Affine(op, "weight", weight, ns);
        var b = Affine(op, "bias", bias, ns);
        var statShape = x.Sizes[..(x.Rank - k)].ToArray().Concat(Enumerable.Repeat(1L, k)).ToArray();
        if (x.DType == DType.Float32 && StridedMathCopy.Numel(ns) > 0)
        {
            // PyTorch's float computation, vectorized, on any layout (the out-variant's too).
            var y = Tensor.Empty(DType.Float32, x.Sizes);
            var mean = Tensor.Empty(DType.Float32, statShape);
            var rstd = Tensor.Empty(DType.Float32, statShape);
            var wf = weight is null ? default : ShapeCopy.ToContiguous(weight, DType.Float32).ContiguousSpan<float>();
            var bf = bias is null ? default : ShapeCopy.ToContiguous(bias, DType.Float32).ContiguousSpan<float>();
            NormRows.LayerNormF32(x, k, wf, bf, (float)eps, y.ContiguousSpan<float>(), mean.ContiguousSpan<float>(), rstd.ContiguousSpan<float>());
            return new(y, mean, rstd);
        }
        var rows = new StridedMathRows(x, Enumerable.Range(x.Rank - k, k).ToArray());
        var v = rows.GatherDouble();
        long n = rows.Inner;
        var means = new double[rows.Outer];
        var rstds = new double[rows.Outer];
        for (long r = 0; r < rows.Outer; r++)
        {
            long s = r * n;
            var (mean, rstd) = Moments(v, s, n, eps);
            means[r] = mean;
            rstds[r] = rstd;
            for (long j = 0; j < n; j++)
                v[s + j] = (v[s + j] - mean) * rstd * (w?[j] ?? 1) + (b?[j] ?? 0);
        }
        return new(StridedMathCopy.ToTensor(v, x.DType, x.Sizes),
            StridedMathCopy.ToTensor(means, x.DType, statShape), StridedMathCopy.ToTensor(rstds, x.DType, statShape));
    }

    private static Tensor GroupNorm(Tensor x, long groups, Tensor? weight, Tensor? bias, double eps)
    {
        if (x.Rank < 2) throw new JitShapeException($"group_norm: expected an input of at least 2 dims (N, C, *), got {ShapeUtil.Format(x.Sizes)}");
        long c = x.Sizes[1];
        if (groups <= 0 || c % groups != 0)
            throw new JitShapeException($"group_norm: expected the number of channels {c} of input {ShapeUtil.Format(x.Sizes)} to be divisible by num_groups={groups}");
        if (!x.DType.IsFloatingPoint()) throw NotImplemented("group_norm", x.DType);
        var w = Affine("group_norm", "weight", weight, [c]);
        var b = Affine("group_norm", "bias", bias, [c]);
        // Natural row-major order is (N, G, C/G, spatial): each group is one contiguous run.
        var v = StridedMathCopy.GatherDouble(x, x.Sizes);
        long spatial = x.NumElements / Math.Max(1, x.Sizes[0] * c);
        long n = c / groups * spatial;
        for (long s = 0; s < v.Length; s += n)
        {
            var (mean, rstd) = Moments(v, s, n, eps);
            for (long j = 0; j < n; j++)
            {
                long ch = (s + j) / spatial % c;
                v[s + j] = (v[s + j] - mean) * rstd * (w?[ch] ?? 1) + (b?[ch] ?? 0);
            }
        }
        return StridedMathCopy.ToTensor(v, x.DType, x.Sizes);
    }

    // batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps, ...)
    internal static NormResult BatchNorm(string op, ReadOnlySpan<IValue> i)
    {
        var x = i[0].AsTensor;
        Tensor? weight = i[1].AsTensorOrNull, bias = i[2].AsTensorOrNull, runMean = i[3].AsTensorOrNull, runVar = i[4].AsTensorOrNull;
        bool training = i[5].AsBool;
        double momentum = i[6].AsDouble, eps = i[7].AsDouble;
        if (x.Rank < 2) throw new JitShapeException($"{op}: expected an input of at least 2 dims (N, C, *), got {ShapeUtil.Format(x.Sizes)}");
        if (!x.DType.IsFloatingPoint()) throw NotImplemented(op, x.DType);
        long c = x.Sizes[1];
        if (!training && runMean is not null && runVar is not null && BatchNormPlanes.Applies(x, weight, bias, runMean, runVar))
        {
            // The out-variant's float computation, so the interpreter and the static runtime agree.
            var y = Tensor.Empty(DType.Float32, x.Sizes);
            BatchNormPlanes.Run(x, weight, bias, runMean, runVar, eps, y);
            return new(y, Tensor.Empty(x.DType, 0), Tensor.Empty(x.DType, 0));
        }
        var w = Affine(op, "weight", weight, [c]);
        var b = Affine(op, "bias", bias, [c]);
        var rm = Affine(op, "running_mean", runMean, [c]);
        var rv = Affine(op, "running_var", runVar, [c]);
        var v = StridedMathCopy.GatherDouble(x, x.Sizes);
        long spatial = x.NumElements / Math.Max(1, x.Sizes[0] * c);
        var mean = new double[c];
        var rstd = new double[c];
        if (training)
        {
            // Batch statistics per channel; running stats (when given) move toward them, with the unbiased variance.
            long count = x.Sizes[0] * spatial;
            var sum = new double[c];
            var sq = new double[c];
            for (long e = 0; e < v.Length; e++) sum[e / spatial % c] += v[e];
            for (long ch = 0; ch < c; ch++) mean[ch] = sum[ch] / count;
            for (long e = 0; e < v.Length; e++) { double d = v[e] - mean[e / spatial % c]; sq[e / spatial % c] += d * d; }
            for (long ch = 0; ch < c; ch++)
            {
                rstd[ch] = 1 / Math.Sqrt(sq[ch] / count + eps);
                if (rm != null) rm[ch] = (1 - momentum) * rm[ch] + momentum * mean[ch];
                if (rv != null) rv[ch] = (1 - momentum) * rv[ch] + momentum * sq[ch] / Math.Max(1, count - 1);
            }
            if (rm != null) StridedMathCopy.Scatter(rm, runMean!);
            if (rv != null) StridedMathCopy.Scatter(rv, runVar!);
        }
        else
        {
            if (rm == null || rv == null)
                throw new JitRuntimeException($"{op}: running_mean and running_var must be defined in evaluation mode");
            for (long ch = 0; ch < c; ch++)
            {
                mean[ch] = rm[ch];
                rstd[ch] = 1 / Math.Sqrt(rv[ch] + eps);
            }
        }
        for (long e = 0; e < v.Length; e++)
        {
            long ch = e / spatial % c;
            v[e] = (v[e] - mean[ch]) * rstd[ch] * (w?[ch] ?? 1) + (b?[ch] ?? 0);
        }
        var output = StridedMathCopy.ToTensor(v, x.DType, x.Sizes);
        // Eval mode saves no statistics: PyTorch returns empty tensors.
        return training
            ? new(output, StridedMathCopy.ToTensor(mean, x.DType, [c]), StridedMathCopy.ToTensor(rstd, x.DType, [c]))
            : new(output, Tensor.Empty(x.DType, 0), Tensor.Empty(x.DType, 0));
    }

    private static (double Mean, double Rstd) Moments(double[] v, long start, long n, double eps)
    {
        double mean = 0;
        for (long j = start; j < start + n; j++) mean += v[j];
        mean /= n;
        double var = 0;
        for (long j = start; j < start + n; j++) var += (v[j] - mean) * (v[j] - mean);
        var /= n;
        return (mean, 1 / Math.Sqrt(var + eps));
    }

    /// <summary>An optional per-feature tensor (weight, bias, running stat) as doubles, checked against its expected shape.</summary>
    private static double[]? Affine(string op, string name, Tensor? t, long[] shape)
    {
        if (t == null) return null;
        if (t.NumElements != StridedMathCopy.Numel(shape))
            throw new JitShapeException($"{op}: expected {name} of shape {ShapeUtil.Format(shape)}, got {ShapeUtil.Format(t.Sizes)}");
        return StridedMathCopy.GatherDouble(t, t.Sizes);
    }
}

using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Reading schema arguments the way shape, view and extern kernels need them, and building their
/// list results. Every failure is a <see cref="JitException"/> that names the op.
/// </summary>
internal static class ShapeArgs
{
    /// <summary>An <c>int[]</c> argument; a bare int is accepted as a one-element list.</summary>
    public static long[] Ints(IValue v, string op, string arg)
    {
        if (v.IsInt) return [v.AsInt];
        if (!v.IsList) throw new JitTypeException($"{op}: argument '{arg}' must be int[] but got {v.TagName}");
        var items = v.AsList.Items;
        var r = new long[items.Count];
        for (int i = 0; i < r.Length; i++)
        {
            if (!items[i].IsInt) throw new JitTypeException($"{op}: argument '{arg}' must be int[] but element {i} is {items[i].TagName}");
            r[i] = items[i].AsInt;
        }
        return r;
    }

    /// <summary>
    /// An <c>int[N]</c> argument (conv and pooling): a single value is repeated N times, as
    /// PyTorch's <c>expand_param_if_needed</c> does.
    /// </summary>
    public static long[] IntsN(IValue v, int n, string op, string arg)
    {
        var r = Ints(v, op, arg);
        if (r.Length == 1 && n > 1) return Enumerable.Repeat(r[0], n).ToArray();
        if (r.Length != n) throw new JitShapeException($"{op}: '{arg}' must have 1 or {n} elements but has {r.Length}: {ShapeUtil.Format(r)}");
        return r;
    }

    public static Tensor[] Tensors(IValue v, string op)
    {
        if (!v.IsList) throw new JitTypeException($"{op}: expected Tensor[] but got {v.TagName}");
        var items = v.AsList.Items;
        var r = new Tensor[items.Count];
        for (int i = 0; i < r.Length; i++)
        {
            if (!items[i].IsTensor) throw new JitTypeException($"{op}: element {i} of the tensor list is {items[i].TagName}");
            r[i] = items[i].AsTensor;
        }
        return r;
    }

    /// <summary>An optional <c>ScalarType</c> argument (an int holding a c10::ScalarType code).</summary>
    public static DType? OptionalDType(IValue v, string op)
    {
        if (v.IsNone) return null;
        long code = v.AsInt;
        if (code < sbyte.MinValue || code > sbyte.MaxValue || !DTypeInfo.IsDefined((int)code))
            throw new JitTypeException($"{op}: unsupported dtype code {code}");
        return (DType)code;
    }

    /// <summary>The dtype a Python number gets when it makes a tensor by itself (int64, float32 or bool).</summary>
    public static DType ScalarDefaultDType(IValue v) =>
        v.IsBool ? DType.Bool : v.IsDouble ? DType.Float32 : DType.Int64;

    /// <summary>Writes a Python number into element <paramref name="storageIndex"/> without losing int64 precision.</summary>
    public static void WriteScalar(Tensor t, long storageIndex, IValue v)
    {
        if (v.IsDouble) t.WriteDouble(storageIndex, v.AsDouble);
        else t.WriteLong(storageIndex, v.AsInt);
    }

    public static IValue TensorList(IEnumerable<Tensor> tensors) =>
        IValue.FromList(new IValueList(TensorType.Unknown, tensors.Select(IValue.FromTensor).ToList()));

    public static IValue IntList(ReadOnlySpan<long> values)
    {
        var items = new List<IValue>(values.Length);
        foreach (var x in values) items.Add(IValue.FromInt(x));
        return IValue.FromList(new IValueList(IntType.Instance, items));
    }

    /// <summary>Wraps a dim as PyTorch's maybe_wrap_dim, with the op in the message.</summary>
    public static int Dim(long dim, int rank, string op)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new JitShapeException($"{op}: dimension {dim} is out of range for a tensor of rank {rank} (expected in [{-r}, {r - 1}])");
        return (int)(dim < 0 ? dim + r : dim);
    }

    public static string Shape(Tensor t) => ShapeUtil.Format(t.Sizes);

    /// <summary>Throws unless the dtype is floating point (kernels PyTorch defines only for floats).</summary>
    public static void RequireFloat(Tensor t, string op)
    {
        if (!t.DType.IsFloatingPoint())
            throw new JitTypeException($"{op}: not implemented for dtype {t.DType.PythonName()} (floating point only)");
    }
}

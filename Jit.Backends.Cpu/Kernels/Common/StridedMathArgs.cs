using Jit.Errors;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Reads schema arguments (scalars, optional dtypes, dim lists) the way the math kernels need them.</summary>
internal static class StridedMathArgs
{
    /// <summary>A Python number as a 0-dim tensor of its own kind (float64 / int64 / bool), so it can be gathered like any operand.</summary>
    public static Tensor ScalarTensor(IValue v, string op) => v.Tag switch
    {
        IValueTag.Double => Tensor.Scalar(v.AsDouble, DType.Float64),
        IValueTag.Int => Tensor.Scalar(v.AsInt, DType.Int64),
        IValueTag.Bool => Tensor.Scalar(v.AsBool),
        _ => throw new JitTypeException($"{op}: expected a number but got a {v.TagName}"),
    };

    /// <summary>A tensor argument, or a Python number wrapped as a 0-dim tensor.</summary>
    public static Tensor Operand(IValue v, string op) => v.IsTensor ? v.AsTensor : ScalarTensor(v, op);

    /// <summary>PyTorch's result_type over tensor and Python-number operands (None is skipped).</summary>
    public static DType ResultType(params IValue[] operands)
    {
        var s = new TypePromotion.State();
        foreach (var v in operands) Add(ref s, v);
        return s.Result();
    }

    /// <summary>The result_type of two operands, without an argument array (out-variants allocate nothing).</summary>
    public static DType ResultType(IValue a, IValue b)
    {
        var s = new TypePromotion.State();
        Add(ref s, a);
        Add(ref s, b);
        return s.Result();
    }

    private static void Add(ref TypePromotion.State s, IValue v)
    {
        if (v.IsNone) return;
        if (v.IsTensor) s.AddTensor(v.AsTensor.DType, v.AsTensor.Rank);
        else s.AddScalar(v.IsDouble, v.IsBool);
    }

    public static DType? OptDType(IValue v, string op)
    {
        if (v.IsNone) return null;
        long code = v.AsInt;
        if (code is < 0 or > 127 || !DTypeInfo.IsDefined((int)code))
            throw new JitTypeException($"{op}: unsupported dtype code {code}");
        return (DType)code;
    }

    public static string? OptString(IValue v) => v.IsNone ? null : v.AsString;

    /// <summary>Dims of an <c>int[]?</c> argument, wrapped; None or [] mean every dim (PyTorch's reduce-all).</summary>
    public static int[] ReduceDims(IValue v, int rank, string op)
    {
        if (v.IsNone || (v.IsList && v.AsList.Count == 0)) return Enumerable.Range(0, rank).ToArray();
        var list = v.IsList ? v.AsList.Items.Select(x => x.AsInt).ToArray() : [v.AsInt];
        var dims = new int[list.Length];
        var seen = new bool[Math.Max(rank, 1)];
        for (int i = 0; i < list.Length; i++)
        {
            dims[i] = WrapDim(list[i], rank, op);
            if (seen[dims[i]]) throw new JitRuntimeException($"{op}: dim {dims[i]} appears multiple times in the list of dims");
            seen[dims[i]] = true;
        }
        // A 0-dim tensor accepts dim 0 / -1 but has no dims to reduce over.
        return rank == 0 ? [] : dims;
    }

    public static int WrapDim(long dim, int rank, string op)
    {
        try { return ShapeUtil.WrapDim(dim, rank); }
        catch (JitShapeException e) { throw new JitShapeException($"{op}: {e.Message}"); }
    }

    public static string TypeName(DType t) => t.IrName();

    /// <summary>PyTorch's message for a dtype a kernel does not support.</summary>
    public static JitTypeException NotImplemented(string op, DType t) =>
        new($"{op}: not implemented for '{t.IrName()}'");
}

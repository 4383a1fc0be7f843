using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// new_zeros/new_ones/new_full/new_empty (self's dtype unless one is given; empty is zero-filled so
/// runs are deterministic) and aten::tensor from a nested list of numbers.
/// </summary>
internal static class CreationMoreKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::new_zeros", (i, o) => o[0] = Tensor.Empty(DType(i[0], i[2], "aten::new_zeros"), CreationKernels.Size(i[1], "aten::new_zeros")));
        t.Add("aten::new_empty", (i, o) => o[0] = Tensor.Empty(DType(i[0], i[2], "aten::new_empty"), CreationKernels.Size(i[1], "aten::new_empty")));
        t.Add("aten::new_ones", (i, o) =>
            o[0] = CreationKernels.Filled(CreationKernels.Size(i[1], "aten::new_ones"), DType(i[0], i[2], "aten::new_ones"), 1L));
        t.Add("aten::new_full", (i, o) =>
            o[0] = CreationKernels.Filled(CreationKernels.Size(i[1], "aten::new_full"), DType(i[0], i[3], "aten::new_full"), i[2]));
        t.Add("aten::tensor", (i, o) => o[0] = FromData(i[0], ShapeArgs.OptionalDType(i[1], "aten::tensor")));
    }

    private static DType DType(IValue self, IValue dtype, string op) => ShapeArgs.OptionalDType(dtype, op) ?? self.AsTensor.DType;

    /// <summary>A nested list of numbers as a tensor: float32 if any number is a float, else int64, or bool if all are bools.</summary>
    private static Tensor FromData(IValue data, Jit.Tensors.DType? dtype)
    {
        const string op = "aten::tensor";
        var shape = new List<long>();
        for (var v = data; v.IsList; v = v.AsList.Items[0])
        {
            shape.Add(v.AsList.Count);
            if (v.AsList.Count == 0) break;
        }
        var leaves = new List<IValue>();
        Flatten(data, 0, shape, leaves, op);
        var inferred = leaves.Count == 0 || leaves.Any(x => x.IsDouble) ? Jit.Tensors.DType.Float32
            : leaves.All(x => x.IsBool) ? Jit.Tensors.DType.Bool : Jit.Tensors.DType.Int64;
        var r = Tensor.Empty(dtype ?? inferred, shape.ToArray());
        var target = r.DType;
        if (target.IsFloatingPoint())
            StridedMathCopy.Scatter(leaves.Select(x => x.AsDouble).ToArray(), r);
        else
            StridedMathCopy.Scatter(leaves.Select(x => x.IsDouble ? (long)x.AsDouble : x.AsInt).ToArray(), r);
        return r;
    }

    private static void Flatten(IValue v, int depth, List<long> shape, List<IValue> leaves, string op)
    {
        if (depth == shape.Count)
        {
            if (!v.IsScalar) throw new JitTypeException($"{op}: expected a number at nesting depth {depth} but got a {v.TagName}");
            leaves.Add(v);
            return;
        }
        if (!v.IsList || v.AsList.Count != shape[depth])
            throw new JitShapeException($"{op}: expected sequence of length {shape[depth]} at dim {depth} (got {(v.IsList ? v.AsList.Count : 0)})");
        foreach (var item in v.AsList.Items) Flatten(item, depth + 1, shape, leaves, op);
    }
}

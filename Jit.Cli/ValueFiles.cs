using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.Serialization.Npy;
using Jit.Tensors;

namespace Jit.Cli;

/// <summary>
/// Graph outputs as <c>.npy</c> files: a tensor as itself; an int, float or bool as a 0-dim int64,
/// float64 or bool array; a tuple or list of N values as <c>out.0.npy</c> … <c>out.{N-1}.npy</c>.
/// Inputs the other way: a 0-dim array feeds an int, float or bool input, a 1-D array a list.
/// </summary>
public static class ValueFiles
{
    /// <summary>The value a graph input of type <paramref name="expected"/> gets from an array read from <paramref name="source"/>.</summary>
    public static IValue FromTensor(Tensor t, JitType expected, string source)
    {
        var target = expected is OptionalType o ? o.Element : expected;
        switch (target)
        {
            case IntType or FloatType or BoolType or NumberType:
                if (t.NumElements != 1 || t.Rank != 0)
                    throw new JitTypeException($"{source} holds an array of shape {ShapeUtil.Format(t.Sizes)}, but the graph input is a {target}: give a 0-dim array");
                return Scalar(t, target, source);
            case ListType { Element: IntType or FloatType or BoolType } list:
                if (t.Rank != 1)
                    throw new JitTypeException($"{source} holds an array of shape {ShapeUtil.Format(t.Sizes)}, but the graph input is a {target}: give a 1-D array");
                var items = new List<IValue>();
                for (long i = 0; i < t.NumElements; i++) items.Add(Scalar(t.AsStrided([], [], t.StorageIndex(i)), list.Element, source));
                return IValue.FromList(new IValueList(list.Element, items));
            default:
                return IValue.FromTensor(t);
        }
    }

    private static IValue Scalar(Tensor t, JitType target, string source) => target switch
    {
        IntType when t.DType.IsIntegral() => IValue.FromInt(t.GetLong(0)),
        FloatType when t.DType != DType.Bool => IValue.FromDouble(t.GetDouble(0)),
        BoolType when t.DType == DType.Bool => IValue.FromBool(t.GetLong(0) != 0),
        NumberType => t.DType.IsFloatingPoint() ? IValue.FromDouble(t.GetDouble(0))
                      : t.DType == DType.Bool ? IValue.FromBool(t.GetLong(0) != 0) : IValue.FromInt(t.GetLong(0)),
        _ => throw new JitTypeException($"{source} holds {t.DType.PythonName()} values, which cannot feed a graph input of type {target}"),
    };

    public static IReadOnlyList<string> Write(string path, IValue value)
    {
        if (value.IsTuple || value.IsList)
        {
            var items = value.IsTuple ? value.AsTuple.Items : value.AsList.Items.ToArray();
            var written = new List<string>();
            string stem = path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path;
            for (int i = 0; i < items.Length; i++)
            {
                if (items[i].IsTuple || items[i].IsList)
                    throw new JitException($"output {i} is a nested {items[i].TagName}; only flat tuples and lists can be written as .npy files");
                string p = $"{stem}.{i}.npy";
                NpyFormat.Write(p, ToTensor(items[i]));
                written.Add(p);
            }
            return written;
        }
        NpyFormat.Write(path, ToTensor(value));
        return [path];
    }

    public static Tensor ToTensor(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => v.AsTensor.DType == DType.BFloat16 ? ToFloat32(v.AsTensor) : v.AsTensor,
        IValueTag.Int => Tensor.Scalar(v.AsInt, DType.Int64),
        IValueTag.Double => Tensor.Scalar(v.AsDouble, DType.Float64),
        IValueTag.Bool => Tensor.Scalar(v.AsBool),
        _ => throw new JitException($"an output of type {v.TagName} cannot be written as a .npy file"),
    };

    // NumPy has no bfloat16; float32 holds every bfloat16 value exactly.
    private static Tensor ToFloat32(Tensor t)
    {
        var r = Tensor.Empty(DType.Float32, t.Sizes);
        t.CopyTo(r);
        return r;
    }
}

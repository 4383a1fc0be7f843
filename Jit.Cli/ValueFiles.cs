using Jit.Errors;
using Jit.Runtime;
using Jit.Serialization.Npy;
using Jit.Tensors;

namespace Jit.Cli;

/// <summary>
/// Graph outputs as <c>.npy</c> files: a tensor as itself; an int, float or bool as a 0-dim int64,
/// float64 or bool array; a tuple or list of N values as <c>out.0.npy</c> … <c>out.{N-1}.npy</c>.
/// </summary>
public static class ValueFiles
{
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

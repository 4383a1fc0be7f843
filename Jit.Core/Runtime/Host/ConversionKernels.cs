using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Host;

/// <summary>Conversions between numbers, strings and one-element tensors (<c>int(t)</c>, <c>float(x)</c>, …).</summary>
internal static class ConversionKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::Int.Tensor", (i, o) => o[0] = TensorToInt(i[0].AsTensor));
        t.Add("aten::IntImplicit", (i, o) => o[0] = TensorToInt(i[0].AsTensor));
        t.Add("aten::Int.bool", (i, o) => o[0] = i[0].AsInt);
        t.Add("aten::Int.float", (i, o) => o[0] = PythonMath.ToInt(i[0].AsDouble));
        t.Add("aten::Int.Scalar", (i, o) => o[0] = i[0].IsDouble ? PythonMath.ToInt(i[0].AsDouble) : i[0].AsInt);
        t.Add("aten::Int.str", (i, o) => o[0] = ParseInt(i[0].AsString));
        t.Add("aten::Float.Tensor", (i, o) => o[0] = OneElement(i[0].AsTensor, "float").GetDouble(0));
        t.Add("aten::FloatImplicit", (i, o) => o[0] = OneElement(i[0].AsTensor, "float").GetDouble(0));
        t.Add("aten::Float.Scalar", (i, o) => o[0] = i[0].AsDouble);
        t.Add("aten::Float.int", (i, o) => o[0] = i[0].AsDouble);
        t.Add("aten::Float.bool", (i, o) => o[0] = i[0].AsDouble);
        t.Add("aten::Float.str", (i, o) => o[0] = ParseFloat(i[0].AsString));
        t.Add("aten::Bool.Tensor", (i, o) => o[0] = OneElement(i[0].AsTensor, "bool").GetDouble(0) != 0);
        t.Add("aten::Bool.int", (i, o) => o[0] = i[0].AsInt != 0);
        t.Add("aten::Bool.float", (i, o) => o[0] = i[0].AsDouble != 0);
        t.Add("aten::ScalarImplicit", (i, o) => o[0] = TensorToScalar(i[0].AsTensor));
        t.Add("aten::item", (i, o) => o[0] = TensorToScalar(i[0].AsTensor));
        t.Add("prim::NumToTensor.Scalar", (i, o) => o[0] = NumberToTensor(i[0]));
        t.Add("prim::NumToTensor.bool", (i, o) => o[0] = Tensor.Scalar(i[0].AsBool));
        t.Add("aten::is_floating_point", (i, o) => o[0] = i[0].AsTensor.DType.IsFloatingPoint());
        t.Add("aten::_nested_tensor_from_mask_left_aligned", (i, o) => o[0] = MaskIsLeftAligned(i[0].AsTensor, i[1].AsTensor));
        t.Add("aten::device", (i, o) => o[0] = IValue.FromDevice(Device.Parse(i[0].AsString)));
    }

    /// <summary>A 0-dim tensor from a Python number: int → int64, float → float64, bool → bool (as PyTorch's scalar_to_tensor).</summary>
    internal static Tensor NumberToTensor(IValue v) => v.Tag switch
    {
        IValueTag.Int => Tensor.Scalar(v.AsInt, DType.Int64),
        IValueTag.Double => Tensor.Scalar(v.AsDouble, DType.Float64),
        IValueTag.Bool => Tensor.Scalar(v.AsBool),
        _ => throw new JitTypeException($"cannot make a tensor from a {v.TagName}"),
    };

    internal static IValue TensorToScalar(Tensor t)
    {
        var one = OneElement(t, "Scalar");
        return t.DType switch
        {
            var d when d.IsFloatingPoint() => IValue.FromDouble(one.GetDouble(0)),
            DType.Bool => IValue.FromBool(one.GetLong(0) != 0),
            _ => IValue.FromInt(one.GetLong(0)),
        };
    }

    private static long TensorToInt(Tensor t)
    {
        var one = OneElement(t, "int");
        return t.DType.IsFloatingPoint() ? PythonMath.ToInt(one.GetDouble(0)) : one.GetLong(0);
    }

    /// <summary>
    /// Whether every row of the [N, L] bool <paramref name="mask"/> of the [N, L, D] input
    /// <paramref name="t"/> is left-aligned: all its True values come before any False (as
    /// PyTorch's NestedTensor_nested_tensor_from_mask_left_aligned, with its checks and messages).
    /// </summary>
    internal static bool MaskIsLeftAligned(Tensor t, Tensor mask)
    {
        if (mask.DType != DType.Bool)
            throw new JitRuntimeException($"Expected mask to be of ScalarType Bool, but got {mask.DType.IrName()} instead.");
        if (mask.Rank != 2) throw new JitRuntimeException("Padding mask should be 2D");
        if (t.Rank != 3) throw new JitRuntimeException("Input should be a 3D tensor, N * L * D");
        if (mask.Sizes[0] != t.Sizes[0] || mask.Sizes[1] != t.Sizes[1]) throw new JitRuntimeException("Mask size should match input size");
        long rows = mask.Sizes[0], cols = mask.Sizes[1];
        for (long r = 0; r < rows; r++)
        {
            bool padding = false;
            for (long c = 0; c < cols; c++)
            {
                bool token = mask.GetLong(r * cols + c) != 0;
                if (token && padding) return false;
                padding |= !token;
            }
        }
        return true;
    }

    private static Tensor OneElement(Tensor t, string target)
    {
        if (t.NumElements != 1)
            throw new JitRuntimeException($"a Tensor with {t.NumElements} elements (shape {ShapeUtil.Format(t.Sizes)}) cannot be converted to {target}");
        return t;
    }

    private static long ParseInt(string s) =>
        long.TryParse(s.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new JitRuntimeException($"ValueError: invalid literal for int(): '{s}'");

    private static double ParseFloat(string s) =>
        double.TryParse(s.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : s.Trim().ToLowerInvariant() switch
            {
                "nan" => double.NaN,
                "inf" or "+inf" or "infinity" => double.PositiveInfinity,
                "-inf" or "-infinity" => double.NegativeInfinity,
                _ => throw new JitRuntimeException($"ValueError: could not convert string to float: '{s}'"),
            };
}

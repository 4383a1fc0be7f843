using Jit.Errors;

namespace Jit.Tensors;

/// <summary>Facts about each <see cref="DType"/>: size, names in PyTorch's IR and in NumPy, category.</summary>
public static class DTypeInfo
{
    public static readonly DType[] All =
    [
        DType.UInt8, DType.Int8, DType.Int16, DType.Int32, DType.Int64,
        DType.Float16, DType.Float32, DType.Float64, DType.Bool, DType.BFloat16,
    ];

    public static int ElementSize(this DType t) => t switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new JitTypeException($"unsupported dtype {(int)t}"),
    };

    public static bool IsFloatingPoint(this DType t) =>
        t is DType.Float16 or DType.Float32 or DType.Float64 or DType.BFloat16;

    public static bool IsIntegral(this DType t, bool includeBool = false) =>
        t is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64
        || (includeBool && t == DType.Bool);

    public static bool IsDefined(int code) => Enum.IsDefined(typeof(DType), (sbyte)code) && code is >= 0 and <= 15;

    /// <summary>Name in PyTorch's textual IR: <c>Float(2, 3)</c>, <c>Long(...)</c>.</summary>
    public static string IrName(this DType t) => t switch
    {
        DType.UInt8 => "Byte",
        DType.Int8 => "Char",
        DType.Int16 => "Short",
        DType.Int32 => "Int",
        DType.Int64 => "Long",
        DType.Float16 => "Half",
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Bool => "Bool",
        DType.BFloat16 => "BFloat16",
        _ => throw new JitTypeException($"unsupported dtype {(int)t}"),
    };

    public static bool TryParseIrName(string name, out DType t)
    {
        foreach (var d in All)
        {
            if (d.IrName() == name) { t = d; return true; }
        }
        t = default;
        return false;
    }

    /// <summary>Name as PyTorch's Python API prints it: <c>torch.float32</c> without the prefix.</summary>
    public static string PythonName(this DType t) => t switch
    {
        DType.UInt8 => "uint8",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float16 => "float16",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Bool => "bool",
        DType.BFloat16 => "bfloat16",
        _ => throw new JitTypeException($"unsupported dtype {(int)t}"),
    };
}

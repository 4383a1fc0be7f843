using System.Text;
using Jit.Tensors;

namespace Jit.Backends.OpenCL.Kernels;

/// <summary>
/// The OpenCL C of the strided copy: <c>dst[b] = (convert) src[a]</c> for each of <c>n</c>
/// elements, the element's position split over up to eight dims (sizes <c>z0..z7</c>, source
/// strides <c>a0..a7</c>, destination strides <c>b0..b7</c>, dim 7 innermost), grid-stride.
/// </summary>
internal static class CopySource
{
    public const int MaxRank = 8;
    public const string Entry = "jit_copy";

    /// <summary>Copies elements of <paramref name="from"/> into <paramref name="to"/>, converting as PyTorch does for the types supported.</summary>
    public static string For(DType from, DType to)
    {
        var sb = new StringBuilder();
        if (from == DType.Float64 || to == DType.Float64) sb.AppendLine("#pragma OPENCL EXTENSION cl_khr_fp64 : enable");
        string src = TypeName(from, to), dst = TypeName(to, from);
        sb.Append("__kernel void ").Append(Entry).Append("(__global const ").Append(src).Append("* src, long so, __global ")
          .Append(dst).Append("* dst, long doff, long n");
        foreach (char c in "zab")
            for (int k = 0; k < MaxRank; k++) sb.Append(", long ").Append(c).Append(k);
        sb.AppendLine(")");
        sb.AppendLine("{");
        sb.AppendLine("    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {");
        sb.AppendLine("        long r = i, a = so, b = doff, q, c;");
        for (int k = MaxRank - 1; k >= 0; k--)
            sb.AppendLine($"        q = r / z{k}; c = r - q * z{k}; a += c * a{k}; b += c * b{k}; r = q;");
        sb.AppendLine($"        dst[b] = {Convert(from, to, "src[a]")};");
        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Whether a copy from <paramref name="from"/> to <paramref name="to"/> is supported.</summary>
    public static bool Supports(DType from, DType to) => from == to ? Width(from) != null : Converts(from) && Converts(to);

    private static bool Converts(DType t) => t is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64
        or DType.Float32 or DType.Float64 or DType.Bool;

    // Same dtype: move the bits as unsigned integers of the element's width.
    private static string? Width(DType t) => t.ElementSize() switch
    {
        1 => "uchar",
        2 => "ushort",
        4 => "uint",
        8 => "ulong",
        _ => null,
    };

    private static string TypeName(DType t, DType other) => t == other ? Width(t)! : t switch
    {
        DType.UInt8 or DType.Bool => "uchar",
        DType.Int8 => "char",
        DType.Int16 => "short",
        DType.Int32 => "int",
        DType.Int64 => "long",
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => throw new NotSupportedException(t.ToString()),
    };

    private static string Convert(DType from, DType to, string x)
    {
        if (from == to) return x;
        if (to == DType.Bool) return $"(uchar)({x} != 0)";
        return $"({TypeName(to, from)})({x})";
    }
}

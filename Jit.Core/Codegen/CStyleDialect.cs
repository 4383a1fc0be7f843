using System.Globalization;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// The spellings of one C-like GPU language, as data for <see cref="CStylePrinter"/> (tinygrad's
/// <c>CStyleLanguage</c>): a dialect overrides only what its language spells differently. The
/// defaults are plain C99 with OpenCL's scalar type names; work-item indices have no default.
/// </summary>
public abstract class CStyleDialect
{
    /// <summary>
    /// What comes before an entry point's name: qualifiers, the work-group size it must be launched
    /// with (<paramref name="localSize"/>) where the language can say it, and <c>void</c>.
    /// </summary>
    public virtual string KernelPrefix(int localSize) => "void";

    /// <summary>The qualifier of a pointer to device memory in a parameter list.</summary>
    public virtual string GlobalQualifier => "";

    /// <summary>The qualifier of a work-group-shared array (<c>__local</c>, <c>__shared__</c>).</summary>
    public virtual string LocalQualifier => "";

    /// <summary>The statement that waits for the work-group and makes local writes visible.</summary>
    public abstract string Barrier { get; }

    /// <summary>What starts a helper function's definition.</summary>
    public virtual string HelperPrefix => "static inline";

    /// <summary>Lines at the top of the source; <paramref name="usesDouble"/> when float64 appears.</summary>
    public virtual string Preamble(bool usesDouble) => "";

    /// <summary>The work-item's index in its work-group along <paramref name="axis"/>, as a 64-bit integer.</summary>
    public abstract string LocalId(int axis);

    /// <summary>The work-group's index along <paramref name="axis"/>, as a 64-bit integer.</summary>
    public abstract string GroupId(int axis);

    /// <summary>The number of work-groups along <paramref name="axis"/>, as a 64-bit integer.</summary>
    public abstract string NumGroups(int axis);

    /// <summary>The work-group size along <paramref name="axis"/>, as a 64-bit integer.</summary>
    public abstract string LocalSize(int axis);

    /// <summary>The work-item's index in the whole launch along <paramref name="axis"/>.</summary>
    public virtual string GlobalId(int axis) => $"({GroupId(axis)} * {LocalSize(axis)} + {LocalId(axis)})";

    /// <summary>The number of work-items in the launch along <paramref name="axis"/>.</summary>
    public virtual string GlobalSize(int axis) => $"({NumGroups(axis)} * {LocalSize(axis)})";

    /// <summary>The C type values of <paramref name="t"/> are computed in (16-bit floats compute in float, bool in uchar).</summary>
    public virtual string TypeName(DType t) => t switch
    {
        DType.Float32 or DType.Float16 or DType.BFloat16 => "float",
        DType.Float64 => "double",
        DType.Int64 => "long",
        DType.Int32 => "int",
        DType.Int16 => "short",
        DType.Int8 => "char",
        DType.UInt8 or DType.Bool => "uchar",
        _ => throw new ArgumentException($"no C type for {t.PythonName()}", nameof(t)),
    };

    /// <summary>The element type of a buffer of <paramref name="t"/> in device memory (16-bit floats are raw bits).</summary>
    public virtual string StorageTypeName(DType t) => t is DType.Float16 or DType.BFloat16 ? UInt16Name : TypeName(t);

    /// <summary>The unsigned 64-, 32- and 16-bit integer types.</summary>
    public virtual string UInt64Name => "ulong";
    /// <inheritdoc cref="UInt64Name"/>
    public virtual string UInt32Name => "uint";
    /// <inheritdoc cref="UInt64Name"/>
    public virtual string UInt16Name => "ushort";

    /// <summary>The suffix of a 64-bit integer literal.</summary>
    public virtual string Int64Suffix => "L";

    /// <summary>The float's bits as a 32-bit unsigned integer, and back.</summary>
    public virtual string FloatToBits(string x) => $"as_uint({x})";
    /// <inheritdoc cref="FloatToBits"/>
    public virtual string BitsToFloat(string x) => $"as_float({x})";

    /// <summary>A float16 element at <paramref name="index"/> of <paramref name="pointer"/>, as float.</summary>
    public virtual string LoadHalf(string pointer, string index) => $"jit_h2f({pointer}[{index}])";

    /// <summary>Stores float <paramref name="value"/> (already a float16 value) at <paramref name="index"/> of <paramref name="pointer"/>.</summary>
    public virtual string StoreHalf(string value, string pointer, string index) => $"{pointer}[{index}] = jit_f2h({value});";

    /// <summary>
    /// The library function computing <paramref name="fn"/> on <paramref name="t"/> (float or
    /// double), or null when the printer writes it out (sigmoid, remainder, floor division).
    /// </summary>
    public virtual string? MathFunction(Intrinsic fn, DType t) => fn switch
    {
        Intrinsic.Exp => "exp", Intrinsic.Exp2 => "exp2", Intrinsic.Log => "log", Intrinsic.Log2 => "log2",
        Intrinsic.Log10 => "log10", Intrinsic.Log1p => "log1p", Intrinsic.Expm1 => "expm1",
        Intrinsic.Sqrt => "sqrt", Intrinsic.Rsqrt => "rsqrt", Intrinsic.Sin => "sin", Intrinsic.Cos => "cos",
        Intrinsic.Tan => "tan", Intrinsic.Asin => "asin", Intrinsic.Acos => "acos", Intrinsic.Atan => "atan",
        Intrinsic.Sinh => "sinh", Intrinsic.Cosh => "cosh", Intrinsic.Tanh => "tanh", Intrinsic.Erf => "erf",
        Intrinsic.Erfc => "erfc", Intrinsic.Abs => "fabs", Intrinsic.Floor => "floor", Intrinsic.Ceil => "ceil",
        Intrinsic.Round => "rint", Intrinsic.Trunc => "trunc", Intrinsic.Pow => "pow", Intrinsic.Atan2 => "atan2",
        Intrinsic.Fmod => "fmod",
        _ => null,
    };

    /// <summary>A float literal of <paramref name="t"/> (16-bit floats are float literals); inf and NaN included.</summary>
    public virtual string FloatLiteral(double value, DType t)
    {
        bool isDouble = t == DType.Float64;
        string cast = isDouble ? "(double)" : "";
        if (double.IsNaN(value)) return cast + "NAN";
        if (double.IsInfinity(value)) return value > 0 ? cast + "INFINITY" : $"(-{cast}INFINITY)";
        string r = isDouble ? value.ToString("R", CultureInfo.InvariantCulture) : ((float)value).ToString("R", CultureInfo.InvariantCulture);
        if (!r.Contains('.') && !r.Contains('E')) r += ".0";
        if (value == 0 && double.IsNegative(value)) r = "-0.0";
        return isDouble ? r : r + "f";
    }
}

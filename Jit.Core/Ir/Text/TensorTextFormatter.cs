using System.Globalization;
using System.Text;
using Jit.Tensors;

namespace Jit.Ir.Text;

/// <summary>
/// Prints a tensor attribute the way PyTorch's <c>Node::printAttrValue</c> does: one element as
/// <c>{2.5}</c>, up to ten elements as ATen's <c>operator&lt;&lt;(Tensor)</c> output with newlines
/// turned into spaces, anything larger as <c>&lt;Tensor&gt;</c>.
/// </summary>
internal static class TensorTextFormatter
{
    private const int MaxDisplayedElements = 10;
    private const int LineSize = 80;

    public static string Format(Tensor t)
    {
        if (t.NumElements == 1)
        {
            // One-element tensors are usually boxed scalars, so PyTorch prints them like one.
            string scalar = t.DType.IsFloatingPoint()
                ? CppNumberFormat.General(t.GetDouble(0))
                : t.GetLong(0).ToString(CultureInfo.InvariantCulture);
            return "{" + scalar + "}";
        }
        if (t.NumElements > MaxDisplayedElements) return "<Tensor>";
        return AtenPrint(t).Replace('\n', ' ');
    }

    // ATen's print (aten/src/ATen/core/Formatting.cpp) for a defined CPU tensor of rank >= 1.
    private static string AtenPrint(Tensor t)
    {
        var sb = new StringBuilder();
        var values = t.ToDoubleArray();
        long[] sizes = t.SizesArray();
        if (t.NumElements == 0)
        {
            sb.Append("[ ").Append(TypeName(t.DType)).Append("{").Append(string.Join(",", sizes)).Append("} ]");
            return sb.ToString();
        }
        if (sizes.Length == 1)
        {
            var (scale, width, style) = ChooseFormat(values);
            if (scale != 1) PrintScale(sb, scale);
            foreach (double v in values) sb.Append(Pad(style(v / scale), width)).Append('\n');
        }
        else if (sizes.Length == 2)
        {
            PrintMatrix(sb, values, sizes[0], sizes[1], 0);
        }
        else
        {
            PrintHigherRank(sb, values, sizes);
        }
        sb.Append("[ ").Append(TypeName(t.DType)).Append('{').Append(string.Join(",", sizes)).Append("} ]");
        return sb.ToString();
    }

    private static void PrintHigherRank(StringBuilder sb, double[] values, long[] sizes)
    {
        long rows = sizes[^2], cols = sizes[^1];
        long matrixSize = rows * cols;
        int outer = sizes.Length - 2;
        var counter = new long[outer];
        for (long m = 0; m * matrixSize < values.Length; m++)
        {
            // ATen steps the leading dims with the FIRST one fastest; the matrix printed is at that index.
            long rest = m;
            for (int i = 0; i < outer; i++) { counter[i] = rest % sizes[i]; rest /= sizes[i]; }
            long matrixIndex = 0;
            for (int i = 0; i < outer; i++) matrixIndex = matrixIndex * sizes[i] + counter[i];
            if (m > 0) sb.Append('\n');
            sb.Append('(');
            foreach (long c in counter) sb.Append(c + 1).Append(',');
            sb.Append(".,.) = \n");
            PrintMatrix(sb, values.AsSpan((int)(matrixIndex * matrixSize), (int)matrixSize).ToArray(), rows, cols, 1);
        }
    }

    private static void PrintMatrix(StringBuilder sb, double[] values, long rows, long cols, int indent)
    {
        var (scale, width, style) = ChooseFormat(values);
        sb.Append(' ', indent);
        long perLine = (LineSize - indent) / (width + 1);
        long first = 0;
        while (first < cols)
        {
            long last = first + perLine <= cols ? first + perLine - 1 : cols - 1;
            if (perLine < cols)
            {
                if (first != 0) sb.Append('\n');
                sb.Append("Columns ").Append(first + 1).Append(" to ").Append(last + 1);
                sb.Append(' ', indent);
            }
            if (scale != 1)
            {
                PrintScale(sb, scale);
                sb.Append(' ', indent);
            }
            for (long r = 0; r < rows; r++)
            {
                for (long c = first; c <= last; c++)
                {
                    sb.Append(Pad(style(values[r * cols + c] / scale), width));
                    if (c == last)
                    {
                        sb.Append('\n');
                        if (r != rows - 1)
                        {
                            sb.Append(' ', indent);
                            if (scale != 1) sb.Append(' ');
                        }
                    }
                    else sb.Append(' ');
                }
            }
            first = last + 1;
        }
    }

    private static void PrintScale(StringBuilder sb, double scale) =>
        sb.Append(CppNumberFormat.General(scale)).Append(" *\n");

    /// <summary>ATen's <c>__printFormat</c>: integer, fixed, scaled-fixed or scientific, and the column width.</summary>
    private static (double Scale, int Width, Func<double, string> Style) ChooseFormat(double[] values)
    {
        bool intMode = values.All(z => !double.IsFinite(z) || z == Math.Ceiling(z));
        double expMin = 1, expMax = 1;
        int offset = Array.FindIndex(values, double.IsFinite);
        if (offset >= 0)
        {
            expMin = Math.Abs(values[offset]);
            expMax = Math.Abs(values[offset]);
            for (int i = offset; i < values.Length; i++)
            {
                double z = Math.Abs(values[i]);
                if (!double.IsFinite(z)) continue;
                if (z < expMin) expMin = z;
                // ATen compares the signed value here; kept for identical output.
                if (values[i] > expMax) expMax = z;
            }
            expMin = expMin != 0 ? Math.Floor(Math.Log10(expMin)) + 1 : 1;
            expMax = expMax != 0 ? Math.Floor(Math.Log10(expMax)) + 1 : 1;
        }
        Func<double, string> scientific = v => CppNumberFormat.Scientific(v, 4);
        Func<double, string> fixedPoint = v => CppNumberFormat.Fixed(v, 4);
        if (intMode)
        {
            if (expMax > 9) return (1, 11, scientific);
            return (1, (int)expMax + 1, v => CppNumberFormat.General(v));
        }
        if (expMax - expMin > 4)
        {
            int width = Math.Abs(expMax) > 99 || Math.Abs(expMin) > 99 ? 12 : 11;
            return (1, width, scientific);
        }
        if (expMax > 5 || expMax < 0) return (Math.Pow(10, expMax - 1), 7, fixedPoint);
        return (1, expMax == 0 ? 7 : (int)expMax + 6, fixedPoint);
    }

    private static string Pad(string s, int width) => s.Length >= width ? s : new string(' ', width - s.Length) + s;

    private static string TypeName(DType t) => "CPU" + t.IrName() + "Type";
}

using System.Globalization;
using System.Text;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Ir.Text;

/// <summary>
/// Attribute values as PyTorch 1.13's <c>Node::printAttrValue</c> prints them: doubles and IValues in
/// <c>IValue::repr</c> style, strings through <c>c10::printQuotedString</c>, tensors through
/// <see cref="TensorTextFormatter"/>.
/// </summary>
internal static class AttributeText
{
    public static string Format(Attribute a) => a.Value switch
    {
        PrintedValue p => p.Text,
        _ => a.Kind switch
        {
            AttributeKind.Float => CppNumberFormat.DoubleRepr((double)a.Value),
            AttributeKind.Floats => List(((double[])a.Value).Select(CppNumberFormat.DoubleRepr)),
            AttributeKind.Int => ((long)a.Value).ToString(CultureInfo.InvariantCulture),
            AttributeKind.Ints => List(((long[])a.Value).Select(i => i.ToString(CultureInfo.InvariantCulture))),
            AttributeKind.String => Quote((string)a.Value),
            AttributeKind.Strings => List(((string[])a.Value).Select(Quote)),
            AttributeKind.Tensor => TensorTextFormatter.Format((Tensor)a.Value),
            AttributeKind.Tensors => "[<Tensors>]",
            AttributeKind.Graph => "<Graph>",
            AttributeKind.Graphs => "[<Graphs>]",
            AttributeKind.Type => ((JitType)a.Value).ToString(),
            AttributeKind.Types => List(((JitType[])a.Value).Select(t => t.ToString())),
            AttributeKind.IValue => Repr((IValue)a.Value),
            _ => a.Value.ToString() ?? "",
        },
    };

    /// <summary><c>IValue::repr</c> with the IR printer's custom formatter for tensors.</summary>
    public static string Repr(IValue v) => v.Tag switch
    {
        IValueTag.None => "None",
        IValueTag.Int => v.AsInt.ToString(CultureInfo.InvariantCulture),
        IValueTag.Double => CppNumberFormat.DoubleRepr(v.AsDouble),
        IValueTag.Bool => v.AsBool ? "True" : "False",
        IValueTag.String => Quote(v.AsString),
        IValueTag.Device => Quote(v.AsDevice.ToString()),
        IValueTag.Tensor => TensorTextFormatter.Format(v.AsTensor),
        IValueTag.List => List(v.AsList.Items.Select(Repr)),
        IValueTag.Tuple => v.AsTuple.Count == 1
            ? "(" + Repr(v.AsTuple[0]) + ",)"
            : "(" + string.Join(", ", v.AsTuple.Items.Select(Repr)) + ")",
        IValueTag.Dict => "{" + string.Join(", ", v.AsDict.Entries.Select(kv => Repr(kv.Key) + ": " + Repr(kv.Value))) + "}",
        _ => v.ToString(),
    };

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

    /// <summary>
    /// <c>c10::printQuotedString</c> over the UTF-8 bytes. Bytes outside printable ASCII become a
    /// backslash and three "octal digits" computed on a signed char, so bytes &gt;= 0x80 give odd
    /// characters such as <c>\0)+</c>; we reproduce that, and <see cref="IrLexer"/> decodes it back.
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            char c = (char)b;
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '"': sb.Append("\\\""); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (b > 0x1f && b < 0x7f) sb.Append(c);
                    else
                    {
                        // C++ char is signed: truncating division and remainder on a negative value.
                        int v = (sbyte)b;
                        char d2 = (char)('0' + v % 8); v /= 8;
                        char d1 = (char)('0' + v % 8); v /= 8;
                        char d0 = (char)('0' + v);
                        sb.Append('\\').Append(d0).Append(d1).Append(d2);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}

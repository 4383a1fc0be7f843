using System.Text;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// What a plan was specialized for: per input, its kind; for a tensor its dtype and sizes; for an
/// int, float or bool its value (shape analysis may have computed sizes from it). <see cref="Matches"/>
/// is the plan's guard and allocates nothing.
/// </summary>
public sealed class InputSignature
{
    private readonly Entry[] _entries;

    private readonly record struct Entry(IValueTag Tag, DType DType, long[]? Sizes, IValue Scalar);

    private InputSignature(Entry[] entries) => _entries = entries;

    public int Count => _entries.Length;

    public static InputSignature Of(ReadOnlySpan<IValue> inputs)
    {
        var entries = new Entry[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = inputs[i];
            entries[i] = v.Tag switch
            {
                IValueTag.Tensor => new Entry(v.Tag, v.AsTensor.DType, v.AsTensor.SizesArray(), default),
                IValueTag.Int or IValueTag.Double or IValueTag.Bool => new Entry(v.Tag, default, null, v),
                _ => new Entry(v.Tag, default, null, default),
            };
        }
        return new InputSignature(entries);
    }

    public bool Matches(ReadOnlySpan<IValue> inputs)
    {
        if (inputs.Length != _entries.Length) return false;
        for (int i = 0; i < inputs.Length; i++)
        {
            var e = _entries[i];
            var v = inputs[i];
            if (v.Tag != e.Tag) return false;
            switch (e.Tag)
            {
                case IValueTag.Tensor:
                    var t = v.AsTensor;
                    if (t.DType != e.DType || !t.Sizes.SequenceEqual(e.Sizes)) return false;
                    break;
                case IValueTag.Int or IValueTag.Double or IValueTag.Bool:
                    if (!v.Equals(e.Scalar)) return false;
                    break;
            }
        }
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < _entries.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            var e = _entries[i];
            sb.Append(e.Tag switch
            {
                IValueTag.Tensor => $"{e.DType.PythonName()}{ShapeUtil.Format(e.Sizes!)}",
                IValueTag.Int or IValueTag.Double or IValueTag.Bool => $"{e.Scalar.TagName}={e.Scalar}",
                _ => e.Tag.ToString(),
            });
        }
        return sb.Append(')').ToString();
    }
}

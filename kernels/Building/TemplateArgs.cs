using System.Globalization;
using System.Text;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Kernels.Building;

/// <summary>
/// The arguments of one call as a template reads them: each accessor checks the argument's kind
/// and throws <see cref="UnsupportedArgumentsException"/> naming it when the call does not fit.
/// </summary>
internal sealed class TemplateArgs
{
    private readonly IValue[] _values;

    public TemplateArgs(string overload, ReadOnlySpan<IValue> values, KernelTarget target = KernelTarget.Cpu)
    {
        Overload = overload;
        Target = target;
        _values = values.ToArray();
    }

    public string Overload { get; }

    /// <summary>The device kind the kernel is written for.</summary>
    public KernelTarget Target { get; }

    public int Count => _values.Length;

    /// <summary>The overload as a kernel name: <c>aten::conv2d.padding</c> → <c>conv2d_padding</c>.</summary>
    public string KernelName => Overload.Replace("aten::", "", StringComparison.Ordinal).Replace('.', '_');

    public IValue this[int position] => At(position);

    public Tensor Tensor(int position)
    {
        var v = At(position);
        if (!v.IsTensor) throw Unsupported($"argument {position} is {v.TagName}, not a tensor");
        return v.AsTensor;
    }

    public Tensor? OptionalTensor(int position) => At(position).IsNone ? null : Tensor(position);

    public Tensor[] TensorList(int position)
    {
        var v = At(position);
        if (!v.IsList || v.AsList.Items.Any(item => !item.IsTensor)) throw Unsupported($"argument {position} is not a list of tensors");
        return v.AsList.Items.Select(item => item.AsTensor).ToArray();
    }

    public long Int(int position)
    {
        var v = At(position);
        return v.IsInt ? v.AsInt : throw Unsupported($"argument {position} is {v.TagName}, not an int");
    }

    public long? OptionalInt(int position) => At(position).IsNone ? null : Int(position);

    public bool Bool(int position)
    {
        var v = At(position);
        return v.IsBool ? v.AsBool : throw Unsupported($"argument {position} is {v.TagName}, not a bool");
    }

    /// <summary>A number argument (int, float or bool), as the IValue it is.</summary>
    public IValue Number(int position)
    {
        var v = At(position);
        return v.IsScalar ? v : throw Unsupported($"argument {position} is {v.TagName}, not a number");
    }

    /// <summary>An <c>int[N]</c> argument: one value is repeated N times, as PyTorch's expand_param_if_needed.</summary>
    public long[] Ints(int position, int count)
    {
        var v = At(position);
        long[] values;
        if (v.IsInt) values = [v.AsInt];
        else if (v.IsList && v.AsList.Items.All(item => item.IsInt)) values = v.AsList.Items.Select(item => item.AsInt).ToArray();
        else throw Unsupported($"argument {position} is {v.TagName}, not an int list");
        if (values.Length == 1 && count > 1) return Enumerable.Repeat(values[0], count).ToArray();
        if (values.Length != count) throw Unsupported($"argument {position} has {values.Length} values, {count} expected");
        return values;
    }

    /// <summary>A dim argument wrapped into [0, rank), or unsupported when out of range.</summary>
    public int Dim(int position, int rank)
    {
        long d = Int(position);
        long wrapped = d < 0 ? d + rank : d;
        if (wrapped < 0 || wrapped >= rank) throw Unsupported($"dim {d} is out of range for rank {rank}");
        return (int)wrapped;
    }

    public UnsupportedArgumentsException Unsupported(string why) => new(why);

    /// <summary>
    /// The op with every argument as the kernel depends on it: tensors as dtype and rank, numbers,
    /// lists and None as written, and the target when not the CPU. Sizes and strides are not part of it.
    /// </summary>
    public string CacheKey()
    {
        var key = new StringBuilder(Overload);
        if (Target != KernelTarget.Cpu) key.Append('@').Append(Target.ToString().ToLowerInvariant());
        key.Append('(');
        for (int i = 0; i < _values.Length; i++)
        {
            if (i > 0) key.Append(',');
            Append(key, _values[i]);
        }
        return key.Append(')').ToString();
    }

    private static void Append(StringBuilder key, IValue v)
    {
        switch (v.Tag)
        {
            case IValueTag.Tensor:
                key.Append(v.AsTensor.DType.PythonName()).Append('[').Append(v.AsTensor.Rank).Append(']');
                break;
            case IValueTag.List:
                key.Append('[');
                for (int i = 0; i < v.AsList.Count; i++)
                {
                    if (i > 0) key.Append(',');
                    Append(key, v.AsList[i]);
                }
                key.Append(']');
                break;
            case IValueTag.Double:
                key.Append(v.AsDouble.ToString("R", CultureInfo.InvariantCulture)).Append('f');
                break;
            case IValueTag.Int:
                key.Append(v.AsInt.ToString(CultureInfo.InvariantCulture));
                break;
            case IValueTag.Bool:
                key.Append(v.AsBool ? "True" : "False");
                break;
            case IValueTag.None:
                key.Append("None");
                break;
            case IValueTag.String:
                key.Append('"').Append(v.AsString).Append('"');
                break;
            default:
                key.Append(v.TagName);
                break;
        }
    }

    private IValue At(int position) =>
        position < _values.Length ? _values[position] : throw Unsupported($"argument {position} is missing ({_values.Length} given)");
}

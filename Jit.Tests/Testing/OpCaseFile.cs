using System.Text.Json;
using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Tests.Testing;

/// <summary>One op called on inputs, with PyTorch's outputs (written by tools/fixtures/opcases.py).</summary>
public sealed record OpCase(string Op, IValue[] Inputs, IValue[] Outputs, string Note)
{
    public override string ToString() => string.IsNullOrEmpty(Note) ? Op : $"{Op} ({Note})";
}

/// <summary>Reads <c>fixtures/ops/*.json</c> case files.</summary>
public static class OpCaseFile
{
    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static IReadOnlyList<OpCase> Load(string family)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath("ops", family + ".json")));
        var cases = new List<OpCase>();
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            cases.Add(new OpCase(
                c.GetProperty("op").GetString()!,
                c.GetProperty("inputs").EnumerateArray().Select(Decode).ToArray(),
                c.GetProperty("outputs").EnumerateArray().Select(Decode).ToArray(),
                c.TryGetProperty("note", out var n) ? n.GetString() ?? "" : ""));
        }
        return cases;
    }

    public static IValue Decode(JsonElement e)
    {
        var p = e.EnumerateObject().Single();
        var v = p.Value;
        return p.Name switch
        {
            "tensor" => IValue.FromTensor(DecodeTensor(v)),
            "int" => IValue.FromInt(v.GetInt64()),
            "float" => IValue.FromDouble(Number(v)),
            "bool" => IValue.FromBool(v.GetBoolean()),
            "none" => IValue.None,
            "str" => IValue.FromString(v.GetString()!),
            "device" => IValue.FromDevice(Device.Parse(v.GetString()!)),
            "list" => DecodeList(v),
            "tuple" => IValue.FromTuple(v.EnumerateArray().Select(Decode).ToArray()),
            _ => throw new InvalidDataException($"unknown case value kind '{p.Name}'"),
        };
    }

    private static IValue DecodeList(JsonElement v)
    {
        var items = v.EnumerateArray().Select(Decode).ToList();
        JitType elem = items.Count == 0 ? IntType.Instance : items[0].Tag switch
        {
            IValueTag.Tensor => TensorType.Unknown,
            IValueTag.Double => FloatType.Instance,
            IValueTag.Bool => BoolType.Instance,
            IValueTag.Int => IntType.Instance,
            _ => AnyType.Instance,
        };
        if (items.Any(i => i.IsNone) && elem is TensorType) elem = new OptionalType(elem);
        return IValue.FromList(new IValueList(elem, items));
    }

    private static double Number(JsonElement v) => v.ValueKind == JsonValueKind.String
        ? v.GetString() switch
        {
            "nan" => double.NaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            var s => throw new InvalidDataException($"bad number '{s}'"),
        }
        : v.GetDouble();

    private static Tensor DecodeTensor(JsonElement t)
    {
        var dtype = t.GetProperty("dtype").GetString() switch
        {
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            "float16" => DType.Float16,
            "bfloat16" => DType.BFloat16,
            "int64" => DType.Int64,
            "int32" => DType.Int32,
            "int16" => DType.Int16,
            "int8" => DType.Int8,
            "uint8" => DType.UInt8,
            "bool" => DType.Bool,
            var s => throw new InvalidDataException($"unknown dtype '{s}'"),
        };
        long[] sizes = t.GetProperty("sizes").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        long[] strides = t.GetProperty("strides").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        long offset = t.GetProperty("offset").GetInt64();
        var storageValues = t.GetProperty("storage").EnumerateArray().ToArray();
        var flat = Tensor.Empty(dtype, storageValues.Length);
        for (int i = 0; i < storageValues.Length; i++)
        {
            var x = storageValues[i];
            if (x.ValueKind == JsonValueKind.True || x.ValueKind == JsonValueKind.False) flat.SetLong(i, x.GetBoolean() ? 1 : 0);
            else if (dtype.IsFloatingPoint()) flat.SetDouble(i, Number(x));
            else flat.SetLong(i, x.GetInt64());
        }
        return new Tensor(flat.Storage, dtype, sizes, strides, offset);
    }
}

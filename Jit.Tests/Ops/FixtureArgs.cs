using System.Text.Json;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;

namespace Jit.Tests.Ops;

/// <summary>Decodes the argument lists of the ops_dtypes.py / ops_shapes.py fixtures into <see cref="OpArgs"/>.</summary>
internal static class FixtureArgs
{
    public static JsonElement[] LoadCases(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(OpCaseFile.FixturePath("ops", file)));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static DType ParseDType(string name) =>
        DTypeInfo.All.Single(d => d.PythonName() == name);

    /// <summary>The call's abstract arguments: the given ones, then the schema's defaults.</summary>
    public static OpArgs Build(JsonElement c)
    {
        var op = OpRegistry.Default.Get(c.GetProperty("op").GetString()!);
        var vals = c.GetProperty("args").EnumerateArray().Select(Decode).ToList();
        var args = op.Schema.Arguments;
        for (int i = vals.Count; i < args.Count; i++)
            vals.Add(AbstractValue.OfConstant(args[i].DefaultValue ?? throw new InvalidDataException($"{op.Schema}: no default for {args[i].Name}")));
        return new OpArgs(op.Schema, vals);
    }

    public static AbstractValue Decode(JsonElement e)
    {
        var p = e.EnumerateObject().Single();
        var v = p.Value;
        switch (p.Name)
        {
            case "tensor":
                var dt = ParseDType(v.GetProperty("dtype").GetString()!);
                if (v.TryGetProperty("rank", out var rank))
                    return AbstractValue.OfTensor(TensorType.Create(dt, Enumerable.Repeat(2L, rank.GetInt32()).ToArray()));
                return AbstractValue.OfTensor(TensorType.Create(dt, v.GetProperty("sizes").EnumerateArray().Select(x => x.GetInt64()).ToArray()));
            case "tensors":
                var items = v.EnumerateArray().Select(Decode).ToArray();
                return new AbstractValue(ListType.OfTensors, null, items);
            case "ints":
                return AbstractValue.OfConstant(IValue.FromList(new IValueList(IntType.Instance, v.EnumerateArray().Select(x => IValue.FromInt(x.GetInt64())).ToList())));
            case "dtype":
                return AbstractValue.OfConstant(IValue.FromInt((int)ParseDType(v.GetString()!)));
            case "int": return AbstractValue.OfConstant(IValue.FromInt(v.GetInt64()));
            case "float": return AbstractValue.OfConstant(IValue.FromDouble(v.GetDouble()));
            case "bool": return AbstractValue.OfConstant(IValue.FromBool(v.GetBoolean()));
            case "str": return AbstractValue.OfConstant(IValue.FromString(v.GetString()!));
            case "none": return AbstractValue.OfConstant(IValue.None);
        }
        throw new InvalidDataException($"unknown fixture arg kind '{p.Name}'");
    }

    public static string Describe(JsonElement c) => c.GetProperty("op").GetString() + " " + c.GetProperty("args").GetRawText();
}

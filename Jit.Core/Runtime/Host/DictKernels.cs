using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime.Host;

/// <summary>TorchScript dict operations; every key-type overload shares one implementation.</summary>
internal static class DictKernels
{
    private static readonly string[] KeyKinds = ["str", "int", "bool", "float", "Tensor"];

    public static void Register(KernelTable t)
    {
        foreach (var k in KeyKinds)
        {
            t.Add("aten::len.Dict_" + k, (i, o) => o[0] = (long)i[0].AsDict.Entries.Count);
            t.Add("aten::__getitem__.Dict_" + k, (i, o) =>
            {
                if (!i[0].AsDict.TryGet(i[1], out var v)) throw new JitRuntimeException($"KeyError: {i[1]}");
                o[0] = v;
            });
            t.Add("aten::_set_item." + k, (i, o) => i[0].AsDict.Set(i[1], i[2]));
            t.Add("aten::__contains__." + k, (i, o) => o[0] = i[0].AsDict.TryGet(i[1], out _));
            t.Add("aten::get." + k, (i, o) => o[0] = i[0].AsDict.TryGet(i[1], out var v) ? v : IValue.None);
            t.Add("aten::keys." + k, (i, o) =>
            {
                var d = i[0].AsDict;
                o[0] = IValue.FromList(new IValueList(d.KeyType, d.Entries.Select(e => e.Key).ToList()));
            });
            t.Add("aten::values." + k, (i, o) =>
            {
                var d = i[0].AsDict;
                o[0] = IValue.FromList(new IValueList(d.ValueType, d.Entries.Select(e => e.Value).ToList()));
            });
            t.Add("aten::clear." + k, (i, o) => i[0].AsDict.Entries.Clear());
            t.Add("aten::get.default_" + k, (i, o) => o[0] = i[0].AsDict.TryGet(i[1], out var v) ? v : i[2]);
            t.Add("aten::items." + k, (i, o) =>
            {
                var d = i[0].AsDict;
                var pair = new TupleType([d.KeyType, d.ValueType]);
                o[0] = IValue.FromList(new IValueList(pair, d.Entries.Select(e => IValue.FromTuple(e.Key, e.Value)).ToList()));
            });
            t.Add("aten::copy.Dict_" + k, (i, o) => o[0] = Copy(i[0].AsDict));
            t.Add("aten::dict.Dict_" + k, (i, o) => o[0] = Copy(i[0].AsDict));
            t.Add("aten::dict." + k, (i, o) => o[0] = FromPairs(i[0].AsList));
            t.Add("aten::pop.Dict_" + k, (i, o) => o[0] = Pop(i[0].AsDict, i[1]) ?? throw new JitRuntimeException($"KeyError: {i[1]}"));
            t.Add("aten::pop.Dict_default_" + k, (i, o) => o[0] = Pop(i[0].AsDict, i[1]) ?? i[2]);
        }
    }

    // A shallow copy: a new dict holding the same keys and values, in the same order.
    private static IValue Copy(IValueDict d)
    {
        var r = new IValueDict(d.KeyType, d.ValueType);
        r.Entries.AddRange(d.Entries);
        return IValue.FromDict(r);
    }

    // dict([(k, v), ...]): later pairs overwrite earlier ones, keeping the first key's position.
    private static IValue FromPairs(IValueList pairs)
    {
        var (key, value) = pairs.ElementType is TupleType { Elements: [var kt, var vt] } ? (kt, vt) : (AnyType.Instance, AnyType.Instance);
        var r = new IValueDict(key, value);
        foreach (var p in pairs.Items)
        {
            var kv = p.AsTuple;
            if (kv.Count != 2) throw new JitRuntimeException($"ValueError: dictionary update sequence element has length {kv.Count}; 2 is required");
            r.Set(kv[0], kv[1]);
        }
        return IValue.FromDict(r);
    }

    private static IValue? Pop(IValueDict d, IValue key)
    {
        int k = d.Entries.FindIndex(e => e.Key.Equals(key));
        if (k < 0) return null;
        var v = d.Entries[k].Value;
        d.Entries.RemoveAt(k);
        return v;
    }
}

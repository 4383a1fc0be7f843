using Jit.Errors;

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
        }
    }
}

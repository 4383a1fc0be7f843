using Jit.Errors;

namespace Jit.Runtime.Host;

/// <summary>TorchScript list operations (lists are mutable and shared by reference, as in Python).</summary>
internal static class ListKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::len.t", (i, o) => o[0] = (long)i[0].AsList.Count);
        t.Add("aten::len.any", (i, o) => o[0] = (long)i[0].AsList.Count);
        t.Add("aten::__getitem__.t", (i, o) =>
        {
            var l = i[0].AsList;
            o[0] = l[PythonMath.NormalizeIndex(i[1].AsInt, l.Count, "list")];
        });
        t.Add("aten::_set_item.t", (i, o) =>
        {
            var l = i[0].AsList;
            l[PythonMath.NormalizeIndex(i[1].AsInt, l.Count, "list assignment")] = i[2];
            o[0] = i[0];
        });
        t.Add("aten::append.t", (i, o) =>
        {
            i[0].AsList.Items.Add(i[1]);
            o[0] = i[0];
        });
        t.Add("aten::extend.t", (i, o) => i[0].AsList.Items.AddRange(i[1].AsList.Items.ToArray()));
        t.Add("aten::insert.t", (i, o) =>
        {
            var l = i[0].AsList;
            long idx = i[1].AsInt;
            if (idx < 0) idx = Math.Max(0, idx + l.Count);
            l.Items.Insert((int)Math.Min(idx, l.Count), i[2]);
        });
        t.Add("aten::pop.t", (i, o) =>
        {
            var l = i[0].AsList;
            if (l.Count == 0) throw new JitRuntimeException("IndexError: pop from empty list");
            int idx = PythonMath.NormalizeIndex(i[1].AsInt, l.Count, "pop");
            o[0] = l[idx];
            l.Items.RemoveAt(idx);
        });
        t.Add("aten::clear.t", (i, o) => i[0].AsList.Items.Clear());
        t.Add("aten::reverse.t", (i, o) => i[0].AsList.Items.Reverse());
        t.Add("aten::copy.t", (i, o) => o[0] = Copy(i[0].AsList));
        t.Add("aten::list.t", (i, o) => o[0] = Copy(i[0].AsList));
        t.Add("aten::add.t", (i, o) =>
        {
            var a = i[0].AsList;
            o[0] = IValue.FromList(new IValueList(a.ElementType, [.. a.Items, .. i[1].AsList.Items]));
        });
        t.Add("aten::mul.left_t", (i, o) =>
        {
            var l = i[0].AsList;
            long n = Math.Max(0, i[1].AsInt);
            if (n * l.Count > Array.MaxLength) throw new JitRuntimeException($"list repetition of {l.Count} items {n} times is too large");
            var items = new List<IValue>((int)(n * l.Count));
            for (long k = 0; k < n; k++) items.AddRange(l.Items);
            o[0] = IValue.FromList(new IValueList(l.ElementType, items));
        });
        t.Add("aten::slice.t", (i, o) =>
        {
            var l = i[0].AsList;
            long step = i[3].AsInt;
            var (s, e) = PythonMath.SliceBounds(i[1], i[2], step, l.Count);
            var items = new List<IValue>();
            for (long k = s; k < e; k += step) items.Add(l[(int)k]);
            o[0] = IValue.FromList(new IValueList(l.ElementType, items));
        });
        foreach (var kind in new[] { "int_list", "float_list", "str_list" })
            t.Add("aten::__contains__." + kind, (i, o) => o[0] = IndexOf(i[0].AsList, i[1]) >= 0);
        foreach (var kind in new[] { "int", "float", "bool", "str", "Tensor" })
            t.Add("aten::count." + kind, (i, o) =>
            {
                var item = i[1];
                o[0] = (long)i[0].AsList.Items.Count(x => ScalarEquals(x, item));
            });
        foreach (var kind in new[] { "list_int", "list_float", "list_bool", "list_str", "list_Tensor" })
            t.Add("aten::index." + kind, (i, o) =>
            {
                int k = IndexOf(i[0].AsList, i[1]);
                if (k < 0) throw new JitRuntimeException($"ValueError: {i[1]} is not in list");
                o[0] = (long)k;
            });
        t.Add("aten::sum.int", (i, o) => o[0] = i[0].AsList.Items.Aggregate(0L, (s, x) => unchecked(s + x.AsInt)));
        t.Add("aten::sum.float", (i, o) => o[0] = i[0].AsList.Items.Sum(x => x.AsDouble));
        t.Add("aten::sum.bool", (i, o) => o[0] = (long)i[0].AsList.Items.Count(x => x.AsBool));
        Reduce(t, "prim::min.self_int", (a, b) => a.AsInt <= b.AsInt ? a : b);
        Reduce(t, "prim::max.self_int", (a, b) => a.AsInt >= b.AsInt ? a : b);
        Reduce(t, "prim::min.self_float", (a, b) => a.AsDouble <= b.AsDouble ? a : b);
        Reduce(t, "prim::max.self_float", (a, b) => a.AsDouble >= b.AsDouble ? a : b);
        Reduce(t, "prim::min.self_bool", (a, b) => a.AsBool ? b : a);
        Reduce(t, "prim::max.self_bool", (a, b) => a.AsBool ? a : b);
        foreach (var kind in new[] { "int", "float", "bool", "str", "Tensor", "any" })
            t.Add("aten::sort." + kind, (i, o) => Sort(i[0].AsList, i[1].AsBool));
    }

    private static int IndexOf(IValueList l, IValue item)
    {
        for (int k = 0; k < l.Count; k++)
            if (ScalarEquals(l[k], item)) return k;
        return -1;
    }

    private static IValue Copy(IValueList l) => IValue.FromList(new IValueList(l.ElementType, [.. l.Items]));

    private static void Reduce(KernelTable t, string name, Func<IValue, IValue, IValue> pick) =>
        t.Add(name, (i, o) =>
        {
            var l = i[0].AsList;
            if (l.Count == 0) throw new JitRuntimeException($"{name}: arg is an empty sequence");
            o[0] = l.Items.Aggregate(pick);
        });

    private static void Sort(IValueList l, bool reverse)
    {
        Comparison<IValue> cmp = (a, b) => a.Tag switch
        {
            IValueTag.String => string.CompareOrdinal(a.AsString, b.AsString),
            IValueTag.Double => a.AsDouble.CompareTo(b.AsDouble),
            IValueTag.Int or IValueTag.Bool => a.AsInt.CompareTo(b.AsInt),
            _ => throw new JitRuntimeException($"cannot sort a list of {a.TagName}"),
        };
        // Stable, as Python's sort is.
        var sorted = l.Items.Select((v, k) => (v, k)).ToList();
        sorted.Sort((x, y) => { int c = cmp(x.v, y.v); return c != 0 ? (reverse ? -c : c) : x.k.CompareTo(y.k); });
        for (int k = 0; k < sorted.Count; k++) l[k] = sorted[k].v;
    }

    /// <summary>Python <c>==</c> for list elements: numbers by value, strings by content, tensors by identity.</summary>
    internal static bool ScalarEquals(IValue a, IValue b)
    {
        if (a.IsScalar && b.IsScalar) return a.IsDouble || b.IsDouble ? a.AsDouble == b.AsDouble : a.AsInt == b.AsInt;
        if (a.IsString && b.IsString) return a.AsString == b.AsString;
        return a.Equals(b);
    }
}

using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Host;

/// <summary>
/// List equality, any/all, element-wise list min/max, in-place repetition and concatenation,
/// select.t and list(str): TorchScript list builtins beyond the basic ones in ListKernels.
/// </summary>
internal static class ListMoreKernels
{
    public static void Register(KernelTable t)
    {
        // Python list ==: same length and == element by element (so a NaN makes float lists unequal).
        foreach (var kind in new[] { "int_list", "float_list", "bool_list", "str_list" })
        {
            t.Add("aten::eq." + kind, (i, o) => o[0] = ListEquals(i[0].AsList, i[1].AsList, ListKernels.ScalarEquals));
            t.Add("aten::ne." + kind, (i, o) => o[0] = !ListEquals(i[0].AsList, i[1].AsList, ListKernels.ScalarEquals));
        }
        // Tensor lists compare with (a == b) taken as a bool, which needs one-element tensors.
        t.Add("aten::eq.Tensor_list", (i, o) => o[0] = ListEquals(i[0].AsList, i[1].AsList, TensorTruthEquals));
        t.Add("aten::ne.Tensor_list", (i, o) => o[0] = !ListEquals(i[0].AsList, i[1].AsList, TensorTruthEquals));
        t.Add("aten::eq.device", (i, o) => o[0] = i[0].AsDevice == i[1].AsDevice);
        t.Add("aten::ne.device", (i, o) => o[0] = i[0].AsDevice != i[1].AsDevice);

        t.Add("aten::any.str", (i, o) => o[0] = i[0].AsList.Items.Any(x => x.AsString.Length > 0));
        foreach (var kind in new[] { "int", "float", "bool" })
        {
            t.Add("aten::any." + kind, (i, o) => o[0] = i[0].AsList.Items.Any(Truthy));
            t.Add("aten::all." + kind, (i, o) => o[0] = i[0].AsList.Items.All(Truthy));
        }

        // min/max of two lists compare them lexicographically (a proper prefix is the smaller).
        foreach (var kind in new[] { "int_list", "float_list", "bool_list" })
        {
            t.Add("prim::min." + kind, (i, o) => o[0] = CompareLists(i[0].AsList, i[1].AsList) <= 0 ? i[0] : i[1]);
            t.Add("prim::max." + kind, (i, o) => o[0] = CompareLists(i[0].AsList, i[1].AsList) >= 0 ? i[0] : i[1]);
        }

        t.Add("aten::mul_.t", (i, o) =>
        {
            var l = i[0].AsList;
            var items = Repeat(l.Items, i[1].AsInt);
            l.Items.Clear();
            l.Items.AddRange(items);
            o[0] = i[0];
        });
        t.Add("aten::mul.right_", (i, o) =>
        {
            var l = i[1].AsList;
            o[0] = IValue.FromList(new IValueList(l.ElementType, Repeat(l.Items, i[0].AsInt)));
        });
        t.Add("aten::add_.t", (i, o) =>
        {
            i[0].AsList.Items.AddRange(i[1].AsList.Items.ToArray());
            o[0] = i[0];
        });
        t.Add("aten::select.t", (i, o) =>
        {
            var l = i[0].AsList;
            o[0] = l[PythonMath.NormalizeIndex(i[1].AsInt, l.Count, "list")];
        });
        t.Add("aten::list", (i, o) =>
            o[0] = IValue.FromList(new IValueList(Ir.StringType.Instance, i[0].AsString.Select(c => IValue.FromString(c.ToString())).ToList())));
    }

    private static bool Truthy(IValue v) => v.IsDouble ? v.AsDouble != 0 : v.AsInt != 0;

    private static bool ListEquals(IValueList a, IValueList b, Func<IValue, IValue, bool> eq)
    {
        if (a.Count != b.Count) return false;
        for (int k = 0; k < a.Count; k++)
        {
            if (!eq(a[k], b[k])) return false;
        }
        return true;
    }

    private static bool TensorTruthEquals(IValue a, IValue b)
    {
        Tensor x = a.AsTensor, y = b.AsTensor;
        long n = Math.Max(x.NumElements, y.NumElements);
        if (x.NumElements == 0 || y.NumElements == 0)
            throw new JitRuntimeException("Boolean value of Tensor with no values is ambiguous");
        if (n > 1 || (x.NumElements != 1 && y.NumElements != 1))
            throw new JitRuntimeException("Boolean value of Tensor with more than one value is ambiguous");
        return x.GetDouble(0) == y.GetDouble(0);
    }

    private static int CompareLists(IValueList a, IValueList b)
    {
        for (int k = 0; k < Math.Min(a.Count, b.Count); k++)
        {
            int c = a[k].IsDouble || b[k].IsDouble ? a[k].AsDouble.CompareTo(b[k].AsDouble) : a[k].AsInt.CompareTo(b[k].AsInt);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }

    private static List<IValue> Repeat(List<IValue> items, long n)
    {
        n = Math.Max(0, n);
        if (n * items.Count > Array.MaxLength) throw new JitRuntimeException($"list repetition of {items.Count} items {n} times is too large");
        var r = new List<IValue>((int)(n * items.Count));
        for (long k = 0; k < n; k++) r.AddRange(items);
        return r;
    }
}

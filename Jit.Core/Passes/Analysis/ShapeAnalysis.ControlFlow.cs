using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes.Analysis;

// prim::If and prim::Loop, the joins of types they need, and int evaluation on known sizes.
public sealed partial class ShapeAnalysis
{
    // A loop whose carried shapes keep changing is given up on after this many rounds (each round
    // turns at least one more dim into a loop symbol, so real graphs settle in two or three).
    private const int MaxLoopRounds = 8;

    private void ProcessIf(Node n)
    {
        foreach (var b in n.Blocks) ProcessBlock(b);
        if (n.Blocks.Count != 2) return;
        bool? cond = Known(n.Inputs[0]).Constant is { IsBool: true } c ? c.AsBool : null;
        // A branch that always raises never produces its outputs: the other one decides.
        bool raises0 = AlwaysRaises(n.Blocks[0]), raises1 = AlwaysRaises(n.Blocks[1]);
        for (int i = 0; i < n.Outputs.Count; i++)
        {
            var a = n.Blocks[0].Outputs[i];
            var b = n.Blocks[1].Outputs[i];
            // A prim::Uninitialized output (an early return's placeholder) is never read: the other decides.
            Value? only = cond == true || raises1 ? a : cond == false || raises0 ? b
                : b.Node.Kind == "prim::Uninitialized" ? a : a.Node.Kind == "prim::Uninitialized" ? b : null;
            if (only is not null)
            {
                Refine(n.Outputs[i], only.Type);
                if (_known.TryGetValue(only, out var k)) _known[n.Outputs[i]] = k;
                continue;
            }
            var joined = Join(a.Type, b.Type);
            if (joined is not null) Refine(n.Outputs[i], joined);
            if (_known.TryGetValue(a, out var ka) && _known.TryGetValue(b, out var kb) && ka.Constant is { } ca && kb.Constant is { } cb
                && ca.IsScalar && cb.IsScalar && ca.Tag == cb.Tag && ca.AsDouble == cb.AsDouble)
                _known[n.Outputs[i]] = ka;
            // An optional that is None on both paths (MultiheadAttention's masks when none is given).
            else if (IsNone(a) == true && IsNone(b) == true)
                _known[n.Outputs[i]] = AbstractValue.OfConstant(IValue.None);
        }
    }

    // Whether a and b are both None when one of them is known to be None and the other is known
    // either way; null when that is not known.
    private bool? BothNone(Value a, Value b)
    {
        bool? aNone = IsNone(a), bNone = IsNone(b);
        if (aNone is null || bNone is null || (aNone == false && bNone == false)) return null;
        return aNone == bNone;
    }

    private bool? IsNone(Value v) =>
        Known(v).Constant is { } c ? c.IsNone
        : v.Type is NoneType ? true
        : v.Type is OptionalType or AnyType ? null
        : false;

    private static bool AlwaysRaises(Block b) => b.Nodes.Any(x => x.Kind == "prim::RaiseException");

    private void ProcessLoop(Node n)
    {
        var body = n.Blocks[0];
        int carried = n.Outputs.Count;
        var cur = new JitType[carried];
        for (int k = 0; k < carried; k++) cur[k] = n.Inputs[2 + k].Type;
        _known.Remove(body.Inputs[0]);
        for (int round = 0; round < MaxLoopRounds; round++)
        {
            for (int k = 0; k < carried; k++)
            {
                var inside = body.Inputs[1 + k];
                if (cur[k] is TensorType or ListType { Element: TensorType }) inside.Type = cur[k];
                // Carried ints change from one iteration to the next: nothing is known of them.
                _known.Remove(inside);
            }
            ProcessBlock(body);
            bool stable = true;
            for (int k = 0; k < carried; k++)
            {
                var next = Generalize(cur[k], body.Outputs[1 + k].Type);
                if (!next.Equals(cur[k])) stable = false;
                cur[k] = next;
            }
            if (stable) break;
        }
        for (int k = 0; k < carried; k++)
        {
            if (cur[k] is TensorType or ListType { Element: TensorType }) n.Outputs[k].Type = cur[k];
        }
    }

    /// <summary>The type of a loop-carried value after one more iteration: dims that changed become loop symbols.</summary>
    private JitType Generalize(JitType before, JitType after)
    {
        switch (before, after)
        {
            case (TensorType b, TensorType a):
            {
                var dtype = b.DType == a.DType ? b.DType : null;
                if (b.Sizes is null || a.Sizes is null || b.Sizes.Count != a.Sizes.Count)
                    return new TensorType { DType = dtype };
                var sizes = new ShapeSymbol?[b.Sizes.Count];
                for (int i = 0; i < sizes.Length; i++)
                {
                    if (b.Sizes[i] == a.Sizes[i] || b.Sizes[i] is { } s && _loopSymbols.Contains(s)) sizes[i] = b.Sizes[i];
                    else
                    {
                        var f = Fresh();
                        _loopSymbols.Add(f);
                        sizes[i] = f;
                    }
                }
                return new TensorType { DType = dtype, Sizes = sizes };
            }
            case (ListType { Element: TensorType be }, ListType { Element: TensorType ae }):
                return new ListType(Generalize(be, ae));
            default:
                return before;
        }
    }

    /// <summary>The join of two branch types: equal dims stay, differing dims become a new symbol, differing ranks unknown.</summary>
    private JitType? Join(JitType x, JitType y) => (x, y) switch
    {
        (TensorType a, TensorType b) => Unify(a, b),
        (ListType { Element: TensorType a }, ListType { Element: TensorType b }) => new ListType(Unify(a, b)),
        (TupleType a, TupleType b) when a.Elements.Count == b.Elements.Count =>
            new TupleType(a.Elements.Zip(b.Elements).Select(p => Join(p.First, p.Second) ?? p.First).ToArray()),
        _ => null,
    };

    private TensorType Unify(TensorType a, TensorType b)
    {
        var dtype = a.DType == b.DType ? a.DType : null;
        if (a.Sizes is null || b.Sizes is null || a.Sizes.Count != b.Sizes.Count) return new TensorType { DType = dtype };
        var sizes = a.Sizes.Zip(b.Sizes).Select(p => p.First is { } s && p.First == p.Second ? s : Fresh()).Select(s => (ShapeSymbol?)s).ToArray();
        return new TensorType { DType = dtype, Sizes = sizes };
    }

    /// <summary>
    /// Int and int-list ops evaluated from known sizes: <c>size</c>, <c>dim</c>, <c>len</c>,
    /// <c>__getitem__</c>, <c>add/sub/mul/floordiv</c> and comparisons on known ints, <c>not</c>
    /// of a known bool; and <c>is</c> /
    /// <c>is not</c> against None where the answer is known (an optional input given as None, a
    /// tensor that cannot be None), so <c>if mask is not None</c> picks its branch. Returns whether
    /// it handled the node.
    /// </summary>
    private bool TryEvaluateInt(Node n)
    {
        if (n.Outputs.Count != 1) return false;
        var o = n.Output();
        switch (n.Kind)
        {
            case "aten::size" when n.Inputs.Count == 1 && n.Inputs[0].Type is TensorType { Sizes: { } sizes }:
            {
                var items = sizes.Select(s => new AbstractValue(IntType.Instance, s is { IsStatic: true } st ? IValue.FromInt(st.Value) : (IValue?)null, null, s)).ToArray();
                IValue? constant = items.All(i => i.Constant is not null)
                    ? IValue.FromList(new IValueList(IntType.Instance, items.Select(i => i.Constant!.Value).ToList())) : (IValue?)null;
                _known[o] = new AbstractValue(o.Type, constant, items);
                return true;
            }
            case "aten::size" when n.Inputs.Count == 2 && n.Inputs[0].Type is TensorType { Sizes: { } sizes }
                                   && Known(n.Inputs[1]).Constant is { IsInt: true } d:
            {
                long k = d.AsInt < 0 ? d.AsInt + sizes.Count : d.AsInt;
                if (k < 0 || k >= sizes.Count || sizes[(int)k] is not { } s) return true;
                _known[o] = new AbstractValue(IntType.Instance, s.IsStatic ? IValue.FromInt(s.Value) : (IValue?)null, null, s);
                return true;
            }
            case "aten::dim" when n.Inputs[0].Type is TensorType { Rank: { } r }:
                _known[o] = AbstractValue.OfConstant(IValue.FromInt(r));
                return true;
            case "aten::len" when Known(n.Inputs[0]).Items is { } items:
                _known[o] = AbstractValue.OfConstant(IValue.FromInt(items.Count));
                return true;
            case "aten::__getitem__" when Known(n.Inputs[0]).Items is { } items
                                          && Known(n.Inputs[1]).Constant is { IsInt: true } i:
            {
                long k = i.AsInt < 0 ? i.AsInt + items.Count : i.AsInt;
                if (k >= 0 && k < items.Count)
                {
                    if (items[(int)k].Type is TensorType t) Refine(o, t);
                    else _known[o] = items[(int)k];
                }
                return true;
            }
            case "aten::add" or "aten::sub" or "aten::mul" or "aten::floordiv" when o.Type is IntType
                && Known(n.Inputs[0]).Constant is { IsInt: true } x && Known(n.Inputs[1]).Constant is { IsInt: true } y:
            {
                long? r = n.Kind switch
                {
                    "aten::add" => x.AsInt + y.AsInt,
                    "aten::sub" => x.AsInt - y.AsInt,
                    "aten::mul" => x.AsInt * y.AsInt,
                    _ => y.AsInt == 0 ? null : (long)Math.Floor((double)x.AsInt / y.AsInt),
                };
                if (r is { } v) _known[o] = AbstractValue.OfConstant(IValue.FromInt(v));
                return true;
            }
            // Comparisons of known ints, and not of a known bool: MultiheadAttention's rank checks
            // (is_batched = query.dim() == 3) then pick their branch.
            case "aten::eq" or "aten::ne" or "aten::lt" or "aten::le" or "aten::gt" or "aten::ge" when o.Type is BoolType && n.Inputs.Count == 2
                && Known(n.Inputs[0]).Constant is { IsInt: true } x && Known(n.Inputs[1]).Constant is { IsInt: true } y:
            {
                bool r = n.Kind switch
                {
                    "aten::eq" => x.AsInt == y.AsInt,
                    "aten::ne" => x.AsInt != y.AsInt,
                    "aten::lt" => x.AsInt < y.AsInt,
                    "aten::le" => x.AsInt <= y.AsInt,
                    "aten::gt" => x.AsInt > y.AsInt,
                    _ => x.AsInt >= y.AsInt,
                };
                _known[o] = AbstractValue.OfConstant(IValue.FromBool(r));
                return true;
            }
            case "aten::__not__" when Known(n.Inputs[0]).Constant is { IsBool: true } b:
                _known[o] = AbstractValue.OfConstant(IValue.FromBool(!b.AsBool));
                return true;
            case "aten::__is__" or "aten::__isnot__" when n.Inputs.Count == 2 && BothNone(n.Inputs[0], n.Inputs[1]) is { } same:
                _known[o] = AbstractValue.OfConstant(IValue.FromBool(n.Kind == "aten::__is__" ? same : !same));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>stack(l, d)</c> of a list built empty and appended once per iteration of a loop that
    /// always runs its full trip count: the new dim is the trip count (a size, static or symbolic).
    /// </summary>
    private TensorType? StackOfAppendedList(Node n)
    {
        var list = n.Inputs[0];
        if (list.Node.Kind != "prim::ListConstruct" || list.Node.Inputs.Count != 0) return null;
        if (Known(n.Inputs[1]).Constant is not { IsInt: true } dim) return null;
        var appends = list.Uses.Where(u => u.User != n).ToArray();
        if (appends.Length != 1 || appends[0].User.Kind != "aten::append") return null;
        var loop = appends[0].User.Owner?.OwningNode;
        if (loop is not { Kind: "prim::Loop" } || loop.Owner != list.Node.Owner || !loop.IsBefore(n)) return null;
        // Full trip count: the loop starts true and its body always continues.
        if (Known(loop.Inputs[1]).Constant is not { IsBool: true, AsBool: true }) return null;
        if (Known(loop.Blocks[0].Outputs[0]).Constant is not { IsBool: true, AsBool: true }) return null;
        if (Known(loop.Inputs[0]).Dim is not { } trips) return null;
        if (appends[0].User.Inputs[1].Type is not TensorType { Sizes: { } es } et) return null;
        long d = dim.AsInt < 0 ? dim.AsInt + es.Count + 1 : dim.AsInt;
        if (d < 0 || d > es.Count) return null;
        var sizes = es.ToList();
        sizes.Insert((int)d, trips);
        return new TensorType { DType = et.DType, Sizes = sizes };
    }
}

using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes.Analysis;

/// <summary>
/// Symbolic shape analysis (PyTorch's passes/symbolic_shape_analysis.cpp, on our op registry's
/// shape functions): refines every value's type with dtype and sizes, each dim static or a
/// <see cref="ShapeSymbol"/>. Complete mode starts from example inputs (every size known);
/// symbolic mode from ranks and dtypes (each input dim a fresh symbol, shared wherever the shape
/// functions prove two dims equal). Ints computed from sizes are evaluated as far as they are
/// known (partial evaluation), so <c>view(x, [x.size(0), -1])</c> keeps its symbol. Unknown
/// result dims become fresh symbols, as PyTorch's analysis does.
/// </summary>
public sealed partial class ShapeAnalysis
{
    // What is known about non-tensor values: constants, ints standing for a dim, list items.
    private readonly Dictionary<Value, AbstractValue> _known = [];
    // Symbols made by generalizing loop-carried dims: a later iteration keeps them.
    private readonly HashSet<ShapeSymbol> _loopSymbols = [];
    // Lists whose items are followed through their appends (see ProcessListConstruct).
    private readonly HashSet<Value> _grownLists = [];
    private long _nextSymbol;

    private readonly Graph _graph;

    private ShapeAnalysis(Graph graph)
    {
        _graph = graph;
        long min = 0;
        foreach (var v in AllValues(graph))
            foreach (var s in SymbolsOf(v.Type))
                min = Math.Min(min, s.Value);
        _nextSymbol = min - 1;
    }

    /// <summary>
    /// Complete mode: <paramref name="inputs"/> (one per graph input, <c>self</c> included) give
    /// every input tensor its dtype and sizes; int inputs are taken as known values.
    /// </summary>
    public static void PropagateComplete(Graph graph, IReadOnlyList<IValue> inputs)
    {
        if (inputs.Count != graph.Inputs.Count)
            throw new JitTypeException($"shape analysis: the graph takes {graph.Inputs.Count} inputs but {inputs.Count} were given");
        var a = new ShapeAnalysis(graph);
        for (int i = 0; i < inputs.Count; i++)
        {
            var v = graph.Inputs[i];
            var x = inputs[i];
            if (x.IsTensor) v.Type = new TensorType { DType = x.AsTensor.DType, Sizes = x.AsTensor.SizesArray().Select(s => (ShapeSymbol?)ShapeSymbol.Static(s)).ToArray() };
            else if (x.IsScalar || x.IsNone) a._known[v] = AbstractValue.OfConstant(x);
        }
        a.ProcessBlock(graph.Block);
    }

    /// <summary>
    /// Symbolic mode: each tensor input takes the type given in <paramref name="inputTypes"/> (one
    /// per graph input, null: keep the declared type) and every dim of it that is not a static
    /// size becomes a fresh symbol. Inputs whose rank is unknown stay unknown; an input given
    /// <see cref="NoneType"/> is an optional input known to be None.
    /// </summary>
    public static void PropagateSymbolic(Graph graph, IReadOnlyList<JitType?>? inputTypes = null)
    {
        if (inputTypes is not null && inputTypes.Count != graph.Inputs.Count)
            throw new JitTypeException($"shape analysis: the graph takes {graph.Inputs.Count} inputs but {inputTypes.Count} types were given");
        var a = new ShapeAnalysis(graph);
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            var v = graph.Inputs[i];
            if ((inputTypes?[i] ?? v.Type) is TensorType t)
                v.Type = t.Sizes is null ? t : t.WithSizes(t.Sizes.Select(s => s is { IsStatic: true } ? s : a.Fresh()).ToArray());
            else if (inputTypes?[i] is NoneType) a._known[v] = AbstractValue.OfConstant(IValue.None); // an optional input given as None
        }
        a.ProcessBlock(graph.Block);
    }

    private ShapeSymbol Fresh() => ShapeSymbol.Symbol(_nextSymbol--);

    private void ProcessBlock(Block block)
    {
        foreach (var node in block.Nodes) ProcessNode(node);
    }

    private void ProcessNode(Node n)
    {
        switch (n.Kind)
        {
            case "prim::If": ProcessIf(n); return;
            case "prim::Loop": ProcessLoop(n); return;
            case "prim::Constant": ProcessConstant(n); return;
            case "prim::ListConstruct": ProcessListConstruct(n); return;
            case "prim::ListUnpack": ProcessListUnpack(n); return;
            case "prim::TupleConstruct":
                n.Output().Type = new TupleType(n.Inputs.Select(i => i.Type).ToArray());
                return;
            case "prim::TupleUnpack":
                if (n.Inputs[0].Type is TupleType tt && tt.Elements.Count == n.Outputs.Count)
                    for (int i = 0; i < n.Outputs.Count; i++) Refine(n.Outputs[i], tt.Elements[i]);
                return;
            case "prim::TupleIndex":
                if (n.Inputs[0].Type is TupleType ti && Known(n.Inputs[1]).Constant is { IsInt: true } k && k.AsInt >= 0 && k.AsInt < ti.Elements.Count)
                    Refine(n.Output(), ti.Elements[(int)k.AsInt]);
                return;
            case "prim::unchecked_cast" or "prim::unchecked_unwrap_optional":
                Refine(n.Output(), n.Inputs[0].Type);
                return;
            case "prim::dtype" when n.Inputs[0].Type is TensorType { DType: { } dt }:
                _known[n.Output()] = AbstractValue.OfConstant(IValue.FromInt((long)dt));
                return;
            case "aten::add" when n.Inputs.Count == 2 && n.Inputs[0].Type is ListType { Element: TensorType a }
                                  && n.Inputs[1].Type is ListType { Element: TensorType b } && n.Output().Type is ListType:
                // List concatenation: its items are those of both lists.
                n.Output().Type = new ListType(Unify(a, b));
                return;
            case "aten::append":
                if (n.Inputs[0].Type is ListType { Element: TensorType } lt && n.Inputs[1].Type is TensorType et)
                    n.Inputs[0].Type = new ListType(lt.Element is TensorType { IsUnrefined: true } ? et : Unify((TensorType)lt.Element, et));
                if (_grownLists.Contains(n.Inputs[0]) && _known.TryGetValue(n.Inputs[0], out var grown) && grown.Items is { } before)
                    _known[n.Inputs[0]] = ListFact(n.Inputs[0], [.. before, Known(n.Inputs[1])]);
                return;
        }
        if (n.Kind.StartsWith("prim::", StringComparison.Ordinal)) return;
        if (TryEvaluateInt(n)) return;
        InferFromRegistry(n);
    }

    private void ProcessConstant(Node n)
    {
        if (n.Outputs.Count != 1) return;
        var v = n.Output();
        var a = AbstractValue.Of(v);
        if (a.Constant is { IsTensor: true } t)
            v.Type = new TensorType { DType = t.AsTensor.DType, Sizes = t.AsTensor.SizesArray().Select(s => (ShapeSymbol?)ShapeSymbol.Static(s)).ToArray() };
        else _known[v] = a;
    }

    private void ProcessListConstruct(Node n)
    {
        var v = n.Output();
        if (v.Type is ListType { Element: TensorType } && n.Inputs.Count > 0 && n.Inputs.All(i => i.Type is TensorType))
            v.Type = new ListType(n.Inputs.Select(i => (TensorType)i.Type).Aggregate(Unify));
        // A list written to later has no fixed items; but one only appended to, in its own block,
        // and only read by ops that keep nothing of it, has at each reader the items appended
        // before it (nodes are visited in order): DenseNet's features, one more for each cat.
        if (AbstractValue.IsMutatedList(v))
        {
            if (!v.Uses.All(u => AbstractValue.IsReadOrAppend(u) && (u.User.Kind != "aten::append" || u.User.Owner == n.Owner))) return;
            _grownLists.Add(v);
        }
        _known[v] = ListFact(v, n.Inputs.Select(Known).ToArray());
    }

    private static AbstractValue ListFact(Value list, AbstractValue[] items)
    {
        IValue? constant = null;
        if (items.All(i => i.Constant is not null))
            constant = IValue.FromList(new IValueList(list.Type is ListType l ? l.Element : AnyType.Instance, items.Select(i => i.Constant!.Value).ToList()));
        return new AbstractValue(list.Type, constant, items);
    }

    private void ProcessListUnpack(Node n)
    {
        var items = Known(n.Inputs[0]).Items;
        for (int i = 0; i < n.Outputs.Count; i++)
        {
            var o = n.Outputs[i];
            if (items is not null && items.Count == n.Outputs.Count)
            {
                if (items[i].Type is TensorType it) Refine(o, it);
                else _known[o] = items[i];
            }
            else if (n.Inputs[0].Type is ListType { Element: TensorType et }) Refine(o, et);
        }
    }

    /// <summary>Ops with tensor results: the registry's dtype rule and shape function on what is known of the inputs.</summary>
    private void InferFromRegistry(Node n)
    {
        OpDef op;
        try { op = n.Op; }
        catch (JitException) { return; }
        if (!op.HasTensorOutputs) return;
        if (n.Kind is "aten::stack" && StackOfAppendedList(n) is { } stacked)
        {
            Refine(n.Output(), stacked);
            return;
        }
        JitType[] types;
        try { types = op.InferOutputTypes(ArgsFor(n, op.Schema)); }
        catch (JitException) { return; }
        for (int i = 0; i < types.Length && i < n.Outputs.Count; i++)
            Refine(n.Outputs[i], types[i]);
        EquateContractedDims(n);
    }

    /// <summary>
    /// The contracted dims of matmul, mm and linear must be equal (else the op fails): a symbol
    /// met by a static size or another symbol is replaced everywhere by it, so the fact is shared.
    /// </summary>
    private void EquateContractedDims(Node n)
    {
        if (n.Inputs.Count < 2 || n.Inputs[0].Type is not TensorType { Sizes: { Count: > 0 } xs }
            || n.Inputs[1].Type is not TensorType { Sizes: { Count: > 0 } ys }) return;
        ShapeSymbol? a = xs[^1], b = n.Kind switch
        {
            "aten::matmul" or "aten::mm" => ys.Count >= 2 ? ys[^2] : ys[0],
            "aten::linear" => ys[^1],
            _ => null,
        };
        if (n.Kind is not ("aten::matmul" or "aten::mm" or "aten::linear") || a is not { } x || b is not { } y || x == y) return;
        if (!x.IsStatic) Substitute(x, y);
        else if (!y.IsStatic) Substitute(y, x);
    }

    /// <summary>Replaces symbol <paramref name="from"/> by <paramref name="to"/> in every type and known int of the graph.</summary>
    private void Substitute(ShapeSymbol from, ShapeSymbol to)
    {
        ShapeSymbol? Map(ShapeSymbol? s) => s == from ? to : s;
        JitType Rewrite(JitType t) => t switch
        {
            TensorType { Sizes: { } sz } tt when sz.Contains(from) => tt.WithSizes(sz.Select(Map).ToArray()),
            ListType { Element: TensorType e } => new ListType(Rewrite(e)),
            TupleType tu => new TupleType(tu.Elements.Select(Rewrite).ToArray(), tu.FieldNames, tu.Name),
            _ => t,
        };
        foreach (var v in AllValues(_graph))
        {
            var t = Rewrite(v.Type);
            if (!ReferenceEquals(t, v.Type) && !t.Equals(v.Type)) v.Type = t;
        }
        foreach (var (v, k) in _known.ToArray())
            if (k.Dim == from) _known[v] = new AbstractValue(k.Type, to.IsStatic ? IValue.FromInt(to.Value) : k.Constant, k.Items, to);
    }

    private OpArgs ArgsFor(Node n, FunctionSchema schema)
    {
        var vals = new List<AbstractValue>();
        foreach (var v in n.Inputs) vals.Add(Known(v));
        for (int i = vals.Count; i < schema.Arguments.Count; i++)
            vals.Add(schema.Arguments[i].DefaultValue is { } d ? AbstractValue.OfConstant(d) : new AbstractValue(schema.Arguments[i].Type));
        return new OpArgs(schema, vals);
    }

    /// <summary>What is known of <paramref name="v"/>: a recorded fact, else its type (tensors carry their shape in it).</summary>
    private AbstractValue Known(Value v) =>
        _known.TryGetValue(v, out var a) ? a : v.Type is TensorType ? new AbstractValue(v.Type) : AbstractValue.Of(v);

    /// <summary>
    /// Sets a value's type to the inferred one, keeping what the declared type knew that the
    /// inference did not (a dtype), and naming every unknown dim with a fresh symbol.
    /// </summary>
    private void Refine(Value v, JitType inferred)
    {
        switch (inferred)
        {
            case TensorType t:
                // A value declared Any (a tuple item taken by index) that is known to be a tensor becomes one.
                var old = v.Type as TensorType ?? (v.Type is AnyType ? TensorType.Unknown : null);
                if (old is null) return;
                var dtype = t.DType ?? old.DType;
                var sizes = t.Sizes ?? old.Sizes;
                v.Type = new TensorType { DType = dtype, Sizes = sizes?.Select(s => (ShapeSymbol?)(s ?? Fresh())).ToArray() };
                return;
            case ListType { Element: TensorType et } when v.Type is ListType:
                v.Type = new ListType(new TensorType { DType = et.DType, Sizes = et.Sizes?.Select(s => (ShapeSymbol?)(s ?? Fresh())).ToArray() });
                return;
            case TupleType when v.Type is TupleType:
                v.Type = inferred;
                return;
            case OptionalType { Element: TensorType } or NoneType:
                return;
        }
        if (v.Type is TensorType && inferred is TensorType) v.Type = inferred;
    }

    internal static IEnumerable<Value> AllValues(Graph g)
    {
        foreach (var i in g.Inputs) yield return i;
        foreach (var n in g.AllNodes())
        {
            foreach (var o in n.Outputs) yield return o;
            foreach (var b in n.Blocks)
                foreach (var i in b.Inputs) yield return i;
        }
    }

    private static IEnumerable<ShapeSymbol> SymbolsOf(JitType t) => t switch
    {
        TensorType { Sizes: { } s } => s.Where(x => x is { IsStatic: false }).Select(x => x!.Value),
        ListType l => SymbolsOf(l.Element),
        TupleType tt => tt.Elements.SelectMany(SymbolsOf),
        _ => [],
    };
}

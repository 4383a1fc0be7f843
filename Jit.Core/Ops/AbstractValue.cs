using Jit.Ir;
using Jit.Runtime;

namespace Jit.Ops;

/// <summary>
/// What is known about one argument before running: its type (a <see cref="TensorType"/> with
/// dtype and sizes for tensors), its value when constant, the items of a list built in the graph,
/// and for an int that is a tensor's size, the <see cref="ShapeSymbol"/> it stands for.
/// </summary>
public sealed class AbstractValue
{
    public AbstractValue(JitType type, IValue? constant = null, IReadOnlyList<AbstractValue>? items = null, ShapeSymbol? dim = null)
    {
        Type = type;
        Constant = constant;
        Items = items;
        Dim = dim ?? (constant is { IsInt: true } c && c.AsInt >= 0 ? ShapeSymbol.Static(c.AsInt) : null);
    }

    public JitType Type { get; }
    public IValue? Constant { get; }
    /// <summary>The items of a list whose construction is visible (<c>prim::ListConstruct</c>) or constant.</summary>
    public IReadOnlyList<AbstractValue>? Items { get; }
    /// <summary>For an int: the size it is known to equal (static or symbolic).</summary>
    public ShapeSymbol? Dim { get; }

    public TensorType? Tensor => Type as TensorType;
    public bool IsNone => Constant is { IsNone: true } || Type is NoneType;

    public static AbstractValue OfTensor(TensorType t) => new(t);
    public static AbstractValue OfConstant(IValue v) => new(TypeOf(v), v, ItemsOf(v));

    /// <summary>What the graph says about <paramref name="v"/>: its type, and its value if a constant (or a list of them).</summary>
    public static AbstractValue Of(Value v) => Of(v, 0);

    private static AbstractValue Of(Value v, int depth)
    {
        var n = v.Node;
        // A list written to after it is built holds other items than its construction (or
        // constant) names, by the time any reader sees it: only its type is known.
        if (v.Type is ListType && IsMutatedList(v)) return new AbstractValue(v.Type);
        if (n.Kind == "prim::Constant" && TryConstant(n, v.Type, out var c)) return new AbstractValue(v.Type, c, ItemsOf(c));
        if (depth < 4 && n.Kind == "prim::ListConstruct")
        {
            var items = n.Inputs.Select(i => Of(i, depth + 1)).ToArray();
            IValue? constant = null;
            if (items.All(i => i.Constant is not null))
                constant = IValue.FromList(new IValueList(v.Type is ListType l ? l.Element : AnyType.Instance, items.Select(i => i.Constant!.Value).ToList()));
            return new AbstractValue(v.Type, constant, items);
        }
        // aten::size(t, d) of a tensor whose dim d is known stands for that dim, symbolic or not.
        if (depth < 4 && n.Kind == "aten::size" && n.Inputs.Count == 2 && n.Inputs[0].Type is TensorType { Sizes: { } sizes }
            && Of(n.Inputs[1], depth + 1).Constant is { IsInt: true } d)
        {
            long dim = d.AsInt < 0 ? d.AsInt + sizes.Count : d.AsInt;
            if (dim >= 0 && dim < sizes.Count && sizes[(int)dim] is { } s)
                return new AbstractValue(v.Type, s.IsStatic ? IValue.FromInt(s.Value) : (IValue?)null, null, s);
        }
        return new AbstractValue(v.Type);
    }

    /// <summary>
    /// Whether a list may be changed in place after it is made: an in-place list op takes it, or it
    /// is handed to a loop, an if or the graph's return, where something this graph does not see may.
    /// </summary>
    public static bool IsMutatedList(Value list) =>
        list.Uses.Any(u => u.User.Kind is "aten::append" or "aten::insert" or "aten::extend" or "aten::pop" or "aten::clear"
            or "aten::_set_item" or "aten::remove" or "aten::reverse" or "aten::sort" or "aten::add_" or "prim::Loop" or "prim::If"
            or "prim::Return");

    /// <summary>Ops that read a list argument while they run and return nothing that aliases it.</summary>
    public static readonly IReadOnlySet<string> ListReaders = new HashSet<string> { "aten::stack", "aten::cat", "aten::concat", "aten::len" };

    /// <summary>Whether a use of a list only reads it (<see cref="ListReaders"/>) or appends to it, the append's result unused.</summary>
    public static bool IsReadOrAppend(Use use) =>
        ListReaders.Contains(use.User.Kind) || (use.User.Kind == "aten::append" && use.Offset == 0 && !use.User.Output().HasUses);

    private static bool TryConstant(Node n, JitType type, out IValue value)
    {
        value = IValue.None;
        var a = n.GetAttribute("value");
        if (a is null) return type is NoneType or OptionalType;
        switch (a.Value)
        {
            case long l:
                value = type is BoolType ? IValue.FromBool(l != 0) : IValue.FromInt(l);
                return true;
            case double d:
                value = IValue.FromDouble(d);
                return true;
            case string s:
                value = type is DeviceObjType && Device.TryParse(s, out var dev, out _) ? IValue.FromDevice(dev) : IValue.FromString(s);
                return true;
            case long[] ls:
                value = IValue.FromList(new IValueList(IntType.Instance, ls.Select(IValue.FromInt).ToList()));
                return true;
            case double[] ds:
                value = IValue.FromList(new IValueList(FloatType.Instance, ds.Select(IValue.FromDouble).ToList()));
                return true;
            case IValue iv:
                value = iv;
                return true;
            case Tensors.Tensor t:
                value = IValue.FromTensor(t);
                return true;
        }
        return false;
    }

    private static IReadOnlyList<AbstractValue>? ItemsOf(IValue v) =>
        v.IsList ? v.AsList.Items.Select(OfConstant).ToArray() : null;

    private static JitType TypeOf(IValue v) =>
        LeafTypeOf(v) ?? (v.IsList ? new ListType(v.AsList.ElementType) : AnyType.Instance);

    /// <summary>
    /// The exact type of a value that holds no other values (a complete tensor type, <c>int</c>,
    /// <c>NoneType</c>…), or null for containers and objects, whose element types the value alone
    /// may not tell. Constant folding types the constants it inserts with it, too.
    /// </summary>
    internal static JitType? LeafTypeOf(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => TensorType.FromTensor(v.AsTensor),
        IValueTag.Int => IntType.Instance,
        IValueTag.Double => FloatType.Instance,
        IValueTag.Bool => BoolType.Instance,
        IValueTag.String => StringType.Instance,
        IValueTag.Device => DeviceObjType.Instance,
        IValueTag.None => NoneType.Instance,
        _ => null,
    };

    public override string ToString() => Constant is { } c ? $"{Type} = {SchemaFormat.Value(c)}" : Type.ToString();
}

using Jit.Ir;
using Jit.Ops;

namespace Jit.Frontend.Bytecode;

/// <summary>
/// The types of an op's results given the values it is called with: binds the schema's type
/// variables (<c>t</c> in <c>t[] list</c>) from the arguments, then substitutes them into the returns.
/// </summary>
internal static class SchemaTypes
{
    public static JitType[] ReturnTypes(FunctionSchema schema, IReadOnlyList<Value> args)
    {
        var bindings = new Dictionary<string, JitType>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count && i < schema.Arguments.Count; i++)
            Bind(schema.Arguments[i].Type, args[i].Type, bindings);
        return schema.Returns.Select(r => Substitute(r.Type, bindings)).ToArray();
    }

    private static void Bind(JitType formal, JitType actual, Dictionary<string, JitType> bindings)
    {
        switch (formal)
        {
            case TypeVariableType v:
                bindings.TryAdd(v.Name, actual);
                break;
            case ListType fl when actual is ListType al:
                Bind(fl.Element, al.Element, bindings);
                break;
            case OptionalType fo:
                Bind(fo.Element, actual is OptionalType ao ? ao.Element : actual, bindings);
                break;
            case DictType fd when actual is DictType ad:
                Bind(fd.Key, ad.Key, bindings);
                Bind(fd.Value, ad.Value, bindings);
                break;
            case TupleType ft when actual is TupleType at && ft.Elements.Count == at.Elements.Count:
                for (int i = 0; i < ft.Elements.Count; i++) Bind(ft.Elements[i], at.Elements[i], bindings);
                break;
        }
    }

    private static JitType Substitute(JitType t, Dictionary<string, JitType> bindings) => t switch
    {
        TypeVariableType v => bindings.TryGetValue(v.Name, out var b) ? b : AnyType.Instance,
        ListType l => new ListType(Substitute(l.Element, bindings)),
        OptionalType o => new OptionalType(Substitute(o.Element, bindings)),
        DictType d => new DictType(Substitute(d.Key, bindings), Substitute(d.Value, bindings)),
        TupleType tt => new TupleType(tt.Elements.Select(e => Substitute(e, bindings)).ToArray()),
        _ => t,
    };
}

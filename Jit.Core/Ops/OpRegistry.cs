using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;

namespace Jit.Ops;

/// <summary>
/// Every op overload the runtime knows, built from the one <see cref="OpTable"/>: lookup by name
/// (all overloads, in PyTorch's order) and by overload name, overload resolution for graph nodes
/// (from input types, as PyTorch's <c>Node::matches</c>) and for bytecode (name, overload, number
/// of serialized args, with defaults filled).
/// </summary>
public sealed partial class OpRegistry
{
    private readonly Dictionary<string, List<OpDef>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpDef> _byOverload = new(StringComparer.Ordinal);
    private readonly List<OpDef> _all = [];

    public OpRegistry(IEnumerable<OpDef> ops)
    {
        foreach (var op in ops) Add(op);
    }

    private static readonly Lazy<OpRegistry> DefaultInstance = new(() => new OpRegistry(OpTable.All()));

    /// <summary>The registry of the built-in op table.</summary>
    public static OpRegistry Default => DefaultInstance.Value;

    public IReadOnlyList<OpDef> All => _all;

    private void Add(OpDef op)
    {
        var key = op.Schema.QualifiedOverloadName;
        if (!_byOverload.TryAdd(key, op)) throw new JitSchemaException($"op {key} is registered twice");
        if (!_byName.TryGetValue(op.Schema.Name, out var list)) _byName[op.Schema.Name] = list = [];
        list.Add(op);
        _all.Add(op);
    }

    /// <summary>All overloads of <paramref name="qualifiedName"/> (<c>aten::add</c>), in resolution order; empty if unknown.</summary>
    public IReadOnlyList<OpDef> Overloads(string qualifiedName) =>
        _byName.TryGetValue(qualifiedName, out var l) ? l : [];

    public bool Contains(string qualifiedName) => _byName.ContainsKey(qualifiedName);

    /// <summary>The overload named <paramref name="qualifiedOverloadName"/> (<c>aten::add.Tensor</c>, <c>aten::relu</c>), or null.</summary>
    public OpDef? Find(string qualifiedOverloadName) => _byOverload.GetValueOrDefault(qualifiedOverloadName);

    /// <summary>The schema of the overload named <paramref name="qualifiedOverloadName"/>, or null.</summary>
    public FunctionSchema? FindOverload(string qualifiedOverloadName) => Find(qualifiedOverloadName)?.Schema;

    /// <summary>As <see cref="Find"/>, but an unknown name is a <see cref="JitSchemaException"/>.</summary>
    public OpDef Get(string qualifiedOverloadName) =>
        Find(qualifiedOverloadName) ?? throw new JitSchemaException($"unknown op overload '{qualifiedOverloadName}'" + Suggest(qualifiedOverloadName));

    /// <summary>
    /// The overload a bytecode <c>OP</c> names, from its name, overload name and the number of
    /// arguments the caller serialized (null: all of them).
    /// </summary>
    public OpDef ResolveBytecode(string name, string overloadName, int? numSpecifiedArgs)
    {
        var key = overloadName.Length == 0 ? name : name + "." + overloadName;
        var op = Find(key) ?? throw new JitSchemaException($"unknown operator '{key}' in bytecode" + Suggest(key));
        if (numSpecifiedArgs is { } n)
        {
            var args = op.Schema.Arguments;
            int required = args.Count(a => !a.HasDefault);
            if (n < 0 || (n > args.Count && !op.Schema.IsVararg) || n < Math.Min(required, args.Count))
                throw new JitSchemaException($"bytecode calls {key} with {n} arguments but its schema takes {required} to {args.Count}: {op.Schema}");
        }
        return op;
    }

    /// <summary>
    /// Completes the arguments of a bytecode call: <paramref name="given"/> holds the serialized
    /// leading arguments followed by the out arguments; defaults go in between, as PyTorch mobile
    /// does (<c>Function::append_operator</c>).
    /// </summary>
    public static IValue[] FillDefaults(FunctionSchema schema, ReadOnlySpan<IValue> given)
    {
        var args = schema.Arguments;
        if (schema.IsVararg || given.Length >= args.Count) return given.ToArray();
        int outs = 0;
        for (int i = args.Count - 1; i > 0 && args[i].IsOut; i--) outs++;
        int start = given.Length - outs;
        if (start < 0) throw new JitSchemaException($"{schema.QualifiedOverloadName}: {given.Length} arguments given but it has {outs} out arguments");
        var r = new IValue[args.Count];
        given[..start].CopyTo(r);
        for (int i = start; i < args.Count - outs; i++)
        {
            r[i] = args[i].DefaultValue ?? throw new JitSchemaException(
                $"{schema.QualifiedOverloadName}: argument '{args[i].Name}' (#{i}) was not given and has no default; schema: {schema}");
        }
        given[start..].CopyTo(r.AsSpan(args.Count - outs));
        return r;
    }

    /// <summary>The lines <c>jit ops</c> prints: one per overload (schema, kind, flags), sorted by schema text.</summary>
    public IReadOnlyList<string> Describe() =>
        _all.Select(o => o.Describe()).OrderBy(s => s, StringComparer.Ordinal).ToArray();

    private string Suggest(string key)
    {
        var name = key.Contains('.') && !key.EndsWith('.') ? key[..key.LastIndexOf('.')] : key;
        var over = Overloads(name);
        if (over.Count == 0) return "";
        return "; known overloads: " + string.Join(", ", over.Select(o => o.Schema.QualifiedOverloadName));
    }
}

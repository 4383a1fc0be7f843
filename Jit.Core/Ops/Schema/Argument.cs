using Jit.Ir;
using Jit.Runtime;

namespace Jit.Ops;

/// <summary>
/// One argument or return of a <see cref="FunctionSchema"/>, as PyTorch's <c>c10::Argument</c>.
/// As in PyTorch, <see cref="Type"/> is what values of it are at run time (ScalarType, Layout,
/// MemoryFormat and SymInt are ints) and <see cref="RealType"/> is the type as the schema spells it.
/// </summary>
public sealed class Argument
{
    public Argument(string name, JitType realType, int? n = null, IValue? defaultValue = null,
        AliasInfo? alias = null, AliasInfo? elementAlias = null, bool kwargOnly = false)
    {
        Name = name;
        RealType = realType;
        N = n;
        DefaultValue = defaultValue;
        Alias = alias;
        ElementAlias = elementAlias;
        KwargOnly = kwargOnly;
        Type = ToRuntimeType(realType);
    }

    /// <summary>Empty for an unnamed return.</summary>
    public string Name { get; }
    /// <summary>The type a value passed for this argument has: ScalarType, Layout, MemoryFormat and SymInt become int.</summary>
    public JitType Type { get; }
    /// <summary>The type as declared in the schema text (<c>ScalarType?</c>, <c>SymInt[]</c>); what <see cref="ToString"/> prints.</summary>
    public JitType RealType { get; }
    /// <summary>Fixed list length, as in <c>int[2]</c>.</summary>
    public int? N { get; }
    public IValue? DefaultValue { get; }
    public bool HasDefault => DefaultValue is not null;
    /// <summary>Alias annotation of the argument itself (<c>Tensor(a!)</c>, <c>t[](a)</c>).</summary>
    public AliasInfo? Alias { get; }
    /// <summary>Alias annotation of a list's elements (<c>Tensor(a)[]</c>).</summary>
    public AliasInfo? ElementAlias { get; }
    public bool KwargOnly { get; }

    /// <summary>The op writes to this argument (<c>(a!)</c> on it or on its elements).</summary>
    public bool IsWrite => Alias?.IsWrite == true || ElementAlias?.IsWrite == true;

    /// <summary>An <c>out=</c> argument: keyword-only and written to (PyTorch's <c>is_out</c>).</summary>
    public bool IsOut => KwargOnly && IsWrite;

    private static JitType ToRuntimeType(JitType t) => t switch
    {
        ScalarTypeType or LayoutType or MemoryFormatType or SymIntType => IntType.Instance,
        OptionalType o => new OptionalType(ToRuntimeType(o.Element)),
        ListType l => ToRuntimeType(l.Element) is var e && ReferenceEquals(e, l.Element) ? l : new ListType(e),
        _ => t,
    };

    /// <summary>Printed as PyTorch's <c>operator&lt;&lt;(ostream, Argument)</c>.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        bool isOpt = RealType is OptionalType;
        var unopt = RealType is OptionalType o ? o.Element : RealType;
        if (unopt is ListType l)
        {
            sb.Append(SchemaFormat.TypeName(l.Element));
            if (ElementAlias is not null) sb.Append(ElementAlias);
            sb.Append('[').Append(N?.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(']');
        }
        else
        {
            sb.Append(SchemaFormat.TypeName(unopt));
        }
        if (Alias is { BeforeSets.Count: > 0 }) sb.Append(Alias);
        if (isOpt) sb.Append('?');
        if (Name.Length > 0) sb.Append(' ').Append(Name);
        if (DefaultValue is { } d) sb.Append('=').Append(SchemaFormat.Default(this, d));
        return sb.ToString();
    }
}

using System.Text;

namespace Jit.Ops;

/// <summary>
/// An operator signature in PyTorch's schema syntax, as <c>c10::FunctionSchema</c>:
/// <c>aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor</c>.
/// <see cref="Parse"/> reads one; <see cref="ToString"/> prints it back exactly as PyTorch does.
/// </summary>
public sealed class FunctionSchema
{
    public FunctionSchema(string name, string overloadName, IReadOnlyList<Argument> arguments,
        IReadOnlyList<Argument> returns, bool isVararg = false, bool isVarret = false)
    {
        Name = name;
        OverloadName = overloadName;
        Arguments = arguments;
        Returns = returns;
        IsVararg = isVararg;
        IsVarret = isVarret;
    }

    /// <summary>Qualified name: <c>aten::add</c>.</summary>
    public string Name { get; }
    /// <summary><c>Tensor</c> in <c>aten::add.Tensor</c>; empty for the unnamed overload.</summary>
    public string OverloadName { get; }
    public IReadOnlyList<Argument> Arguments { get; }
    public IReadOnlyList<Argument> Returns { get; }
    /// <summary>Takes any number of further arguments (<c>...</c>), as <c>aten::format</c>.</summary>
    public bool IsVararg { get; }
    /// <summary>Returns any number of further values (<c>-> ...</c>), as <c>prim::TupleUnpack</c>.</summary>
    public bool IsVarret { get; }

    /// <summary>The key kernels are registered under: <c>aten::add.Tensor</c>, or <c>aten::relu</c>.</summary>
    public string QualifiedOverloadName => OverloadName.Length == 0 ? Name : Name + "." + OverloadName;

    /// <summary>Some argument is written to (an alias annotation with <c>!</c>).</summary>
    public bool IsMutable => Arguments.Any(a => a.IsWrite);

    /// <summary>Index of the argument named <paramref name="name"/>, or -1.</summary>
    public int ArgumentIndex(string name)
    {
        for (int i = 0; i < Arguments.Count; i++)
            if (Arguments[i].Name == name) return i;
        return -1;
    }

    /// <summary>Parses one schema; a <see cref="Errors.JitParseException"/> names the column on error.</summary>
    public static FunctionSchema Parse(string text) => new SchemaParser(text).ParseSchema();

    public override string ToString()
    {
        var sb = new StringBuilder(QualifiedOverloadName).Append('(');
        bool seenKwargOnly = false;
        for (int i = 0; i < Arguments.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            if (Arguments[i].KwargOnly && !seenKwargOnly)
            {
                sb.Append("*, ");
                seenKwargOnly = true;
            }
            sb.Append(Arguments[i]);
        }
        if (IsVararg)
        {
            if (Arguments.Count > 0) sb.Append(", ");
            sb.Append("...");
        }
        sb.Append(") -> ");
        // As PyTorch: no parentheses around a single return or a bare `...`, unless the single
        // return itself starts with one (a tuple type such as `(str, t)[]`).
        bool needParen = !((Returns.Count == 1 && !IsVarret) || (Returns.Count == 0 && IsVarret));
        if (Returns.Count == 1 && !needParen && Returns[0].ToString().StartsWith('(')) needParen = true;
        if (needParen) sb.Append('(');
        sb.AppendJoin(", ", Returns);
        if (IsVarret)
        {
            if (Returns.Count > 0) sb.Append(", ");
            sb.Append("...");
        }
        if (needParen) sb.Append(')');
        return sb.ToString();
    }
}

using Jit.Errors;
using Jit.Ir;

namespace Jit.Ops;

public sealed partial class OpRegistry
{
    /// <summary>
    /// The overload a graph node calls: the first, in table order, whose arguments accept the
    /// node's input types (PyTorch's <c>Node::matches</c>); if none does, the first that accepts
    /// them with int widened to float. A <see cref="JitSchemaException"/> names the node, its
    /// input types and the candidates when nothing matches.
    /// </summary>
    public OpDef Resolve(Node node)
    {
        var actuals = node.Inputs.Select(v => v.Type).ToArray();
        return Resolve(node.Kind, actuals, () => node.ToString().Trim());
    }

    /// <summary>Resolution from the argument types alone (<paramref name="describe"/> names the call in errors).</summary>
    public OpDef Resolve(string qualifiedName, IReadOnlyList<JitType> actuals, Func<string>? describe = null)
    {
        var candidates = Overloads(qualifiedName);
        if (candidates.Count == 0)
            throw new JitSchemaException($"unknown operator '{qualifiedName}'" + (describe is null ? "" : $" in node: {describe()}"));
        foreach (var op in candidates)
            if (Matches(op.Schema, actuals, lenient: false)) return op;
        foreach (var op in candidates)
            if (Matches(op.Schema, actuals, lenient: true)) return op;
        throw new JitSchemaException(
            $"no overload of {qualifiedName} accepts arguments ({string.Join(", ", actuals)})"
            + (describe is null ? "" : $" in node: {describe()}")
            + "\ncandidates:\n  " + string.Join("\n  ", candidates.Select(c => c.Schema)));
    }

    /// <summary>Whether <paramref name="schema"/> accepts arguments of these types (all arguments given, as graph nodes do).</summary>
    public static bool Matches(FunctionSchema schema, IReadOnlyList<JitType> actuals, bool lenient = false)
    {
        var formals = schema.Arguments;
        if (actuals.Count < formals.Count) return false;
        if (!schema.IsVararg && actuals.Count != formals.Count) return false;
        var env = new Dictionary<string, JitType>(StringComparer.Ordinal);
        for (int i = 0; i < formals.Count; i++)
            if (!MatchType(formals[i].Type, actuals[i], env, lenient)) return false;
        return true;
    }

    /// <summary>Binds type variables, then checks subtyping, as PyTorch's <c>matchTypeVariables</c> + <c>isSubtypeOf</c>.</summary>
    private static bool MatchType(JitType formal, JitType actual, Dictionary<string, JitType> env, bool lenient)
    {
        switch (formal)
        {
            case TypeVariableType v:
                if (!env.TryGetValue(v.Name, out var bound))
                {
                    env[v.Name] = actual;
                    return true;
                }
                if (actual.IsSubtypeOf(bound)) return true;
                if (bound.IsSubtypeOf(actual))
                {
                    env[v.Name] = actual;
                    return true;
                }
                return false;
            case ListType fl:
                return actual is ListType al && MatchElement(fl.Element, al.Element, env, lenient);
            case OptionalType fo:
                if (actual is NoneType) return true;
                return MatchType(fo.Element, actual is OptionalType ao ? ao.Element : actual, env, lenient);
            case TupleType ft:
                return actual is TupleType at && at.Elements.Count == ft.Elements.Count
                    && ft.Elements.Zip(at.Elements).All(p => MatchType(p.First, p.Second, env, lenient));
            case DictType fd:
                return actual is DictType ad && MatchElement(fd.Key, ad.Key, env, lenient) && MatchType(fd.Value, ad.Value, env, lenient);
        }
        if (actual.IsSubtypeOf(formal)) return true;
        // Lenient: an int (or bool) where a float is expected, as Python's numeric tower allows.
        return lenient && formal is FloatType && actual is IntType or BoolType;
    }

    // List elements are invariant in TorchScript (int[] is not a float[]), except tensors of any refinement.
    private static bool MatchElement(JitType formal, JitType actual, Dictionary<string, JitType> env, bool lenient) =>
        formal is TypeVariableType or OptionalType or ListType or TupleType or DictType
            ? MatchType(formal, actual, env, lenient)
            : formal is TensorType ? actual is TensorType : formal.Equals(actual) || formal is AnyType;
}

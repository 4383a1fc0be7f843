using Jit.Ir;

namespace Jit.Passes.Analysis;

/// <summary>Maps IR types to <see cref="AliasTypeKinds"/>.</summary>
public static class AliasTypes
{
    /// <summary>The mutable type families a value of type <paramref name="t"/> can be.</summary>
    public static AliasTypeKinds Of(JitType t) => t switch
    {
        TensorType => AliasTypeKinds.Tensor,
        ListType => AliasTypeKinds.List,
        DictType => AliasTypeKinds.Dict,
        ClassType => AliasTypeKinds.Object,
        // A tuple is immutable, but it holds its elements: tracked so its contents can be.
        TupleType tt => tt.Elements.Any(e => Of(e) != AliasTypeKinds.None) ? AliasTypeKinds.Tuple : AliasTypeKinds.None,
        OptionalType o => Of(o.Element),
        UnionType u => u.Members.Aggregate(AliasTypeKinds.None, (k, m) => k | Of(m)),
        AnyType or OpaqueType or Ops.TypeVariableType => AliasTypeKinds.All,
        _ => AliasTypeKinds.None,
    };

    /// <summary>
    /// The mutable type families a value of type <paramref name="t"/> can be or (transitively)
    /// hold: what an op that writes everything it is given may write. An object can hold anything.
    /// </summary>
    public static AliasTypeKinds Reachable(JitType t) => t switch
    {
        ListType l => AliasTypeKinds.List | Reachable(l.Element),
        DictType d => AliasTypeKinds.Dict | Reachable(d.Key) | Reachable(d.Value),
        TupleType tt => tt.Elements.Aggregate(Of(t), (k, e) => k | Reachable(e)),
        OptionalType o => Reachable(o.Element),
        UnionType u => u.Members.Aggregate(AliasTypeKinds.None, (k, m) => k | Reachable(m)),
        ClassType => AliasTypeKinds.All,
        _ => Of(t),
    };

    /// <summary>Whether values of <paramref name="t"/> can be written to or alias others.</summary>
    public static bool IsMutable(JitType t) => Of(t) != AliasTypeKinds.None;
}

namespace Jit.Passes.Analysis;

/// <summary>
/// The mutable type families alias analysis tracks (PyTorch's <c>mapTypeToAliasTypeSet</c>).
/// A value whose type maps to <see cref="None"/> (int, float, str, bool, None, Device…) is
/// immutable and never aliases anything.
/// </summary>
[Flags]
public enum AliasTypeKinds
{
    None = 0,
    Tensor = 1,
    List = 2,
    Dict = 4,
    Object = 8,
    Tuple = 16,
    /// <summary>Any, type variables, opaque types: could be anything mutable.</summary>
    All = Tensor | List | Dict | Object | Tuple,
}

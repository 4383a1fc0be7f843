namespace Jit.Serialization.Ptmf;

/// <summary>An operator a function calls: <c>aten::add</c>, overload <c>Tensor</c>; NumArgsSerialized is -1 when not recorded.</summary>
public sealed record PtmfOperator(string Name, string OverloadName, int NumArgsSerialized = -1)
{
    public override string ToString() => OverloadName.Length == 0 ? Name : $"{Name}.{OverloadName}";
}

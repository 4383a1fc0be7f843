using Jit.Ir;

namespace Jit.Ops;

/// <summary>A schema type variable (<c>t</c> in <c>t[] l</c>): bound to an actual type when a call is matched.</summary>
public sealed class TypeVariableType(string name) : JitType
{
    public string Name { get; } = name;
    public override bool Equals(JitType? other) => other is TypeVariableType v && v.Name == Name;
    public override string ToString() => Name;
}

using Jit.Ir;

namespace Jit.Ops;

/// <summary>The schema type <c>complex</c>. Parsed so every PyTorch schema can be read; no op we run takes it.</summary>
public sealed class ComplexType() : SimpleType("complex")
{
    public static readonly ComplexType Instance = new();
}

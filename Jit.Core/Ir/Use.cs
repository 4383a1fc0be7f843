namespace Jit.Ir;

/// <summary>One use of a value: input number <see cref="Offset"/> of <see cref="User"/>. A node that takes
/// the same value twice (<c>aten::add(%x, %x)</c>) has two uses, told apart by offset.</summary>
public readonly record struct Use(Node User, int Offset);

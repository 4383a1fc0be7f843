namespace Jit.Serialization.Ptmf;

/// <summary>One bytecode instruction (PTMF struct Instruction: int8 op, uint16 n, int32 x).</summary>
public readonly record struct PtmfInstruction(sbyte Op, ushort N, int X)
{
    public BytecodeOpCode OpCode => (BytecodeOpCode)Op;

    public bool IsKnownOpCode => Enum.IsDefined(OpCode);

    /// <summary>PyTorch's name of the opcode (e.g. <c>STOREN</c>), or <c>OP#n</c> for an unknown one.</summary>
    public string OpName => IsKnownOpCode ? OpCode.ToString() : $"OP#{Op}";

    public override string ToString() => $"{OpName} {X} {N}";
}

namespace Jit.Serialization.Ptmf;

/// <summary>One bytecode instruction (PTMF struct Instruction: int8 op, uint16 n, int32 x).</summary>
public readonly record struct PtmfInstruction(sbyte Op, ushort N, int X)
{
    // PyTorch's spelling (instruction.h), as its bytecode dumps print it.
    private static readonly string[] s_names =
    [
        "OP", "OPN", "LOAD", "MOVE", "STOREN", "STORE", "DROP", "DROPR", "LOADC", "JF", "JMP", "LOOP", "RET", "WAIT",
        "CALL", "GUARD", "TYPECHECK", "FAIL_GUARD", "PROFILE_OP", "TAIL_CALL", "INTERFACE_CALL", "GET_ATTR", "SET_ATTR",
        "LIST_UNPACK", "TUPLE_CONSTRUCT", "NAMED_TUPLE_CONSTRUCT", "LIST_CONSTRUCT", "DICT_CONSTRUCT", "CREATE_OBJECT",
        "ISINSTANCE", "TUPLE_SLICE", "TUPLE_INDEX", "RAISE_EXCEPTION", "DICT_INDEX", "UNCHECKED_CAST", "__IS__",
        "UN_INITIALIZED", "__ISNOT__", "FORMAT", "DEVICE", "DTYPE", "DIM", "__NOT__", "TO_LIST", "NUM_TO_TENSOR",
        "IS_CUDA", "FORK", "WARN", "ENTER", "EXIT",
    ];

    public PtmfOpCode OpCode => (PtmfOpCode)Op;

    public bool IsKnownOpCode => Op >= 0 && Op < s_names.Length;

    /// <summary>PyTorch's name of the opcode (e.g. <c>STOREN</c>), or <c>OP#n</c> for an unknown one.</summary>
    public string OpName => IsKnownOpCode ? s_names[Op] : $"OP#{Op}";

    public override string ToString() => $"{OpName} {X} {N}";
}

using Jit.Runtime;

namespace Jit.Frontend.Bytecode;

/// <summary>One instruction: opcode and its two operands, as PyTorch's <c>Instruction{op, N, X}</c>.</summary>
public readonly record struct Instruction(OpCode Op, int X, int N)
{
    public override string ToString() => $"{Op} {X} {N}";
}

/// <summary>An operator-table entry: name, overload and how many arguments the caller pushed (-1: all of them).</summary>
public readonly record struct BytecodeOperator(string Name, string Overload, int NumArgs)
{
    public string QualifiedName => Overload.Length == 0 ? Name : $"{Name}.{Overload}";
}

/// <summary>A named, typed argument or return of a bytecode function (types are Python annotation strings).</summary>
public readonly record struct BytecodeArgument(string Name, string Type);

/// <summary>
/// A mobile-bytecode function, whatever file it came from: the input of <see cref="BytecodeToGraph"/>.
/// </summary>
public sealed record BytecodeFunction(
    string QualifiedName,
    IReadOnlyList<Instruction> Instructions,
    IReadOnlyList<BytecodeOperator> Operators,
    IReadOnlyList<IValue> Constants,
    IReadOnlyList<string> Types,
    int RegisterSize,
    IReadOnlyList<BytecodeArgument> Arguments,
    IReadOnlyList<BytecodeArgument> Returns);

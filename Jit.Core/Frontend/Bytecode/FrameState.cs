using Jit.Errors;
using Jit.Ir;

namespace Jit.Frontend.Bytecode;

/// <summary>
/// The symbolic machine state while converting bytecode: registers (1-based, as the mobile
/// interpreter numbers them) and the operand stack, both holding graph values. A null stack slot
/// stands for a loop's bookkeeping entries (trip counter, trip limit), which have no graph value.
/// </summary>
internal sealed class FrameState
{
    public const int MaxStack = 1 << 16;

    public Value?[] Registers { get; }
    public List<Value?> Stack { get; }

    public FrameState(int registerSize)
    {
        if (registerSize is < 0 or > 1 << 20)
            throw new JitFormatException($"register_size {registerSize} is out of range");
        Registers = new Value?[registerSize + 1];
        Stack = [];
    }

    private FrameState(Value?[] registers, List<Value?> stack)
    {
        Registers = registers;
        Stack = stack;
    }

    public FrameState Clone() => new((Value?[])Registers.Clone(), [.. Stack]);

    public void Push(Value? v)
    {
        if (Stack.Count >= MaxStack) throw new JitFormatException("bytecode stack grows past 65536 entries");
        Stack.Add(v);
    }

    public Value Pop(string what)
    {
        if (Stack.Count == 0) throw new JitFormatException($"{what} pops an empty stack");
        var v = Stack[^1];
        Stack.RemoveAt(Stack.Count - 1);
        return v ?? throw new JitFormatException($"{what} pops a loop's bookkeeping slot");
    }

    /// <summary>Pops <paramref name="n"/> values and returns them in push order.</summary>
    public Value[] PopN(int n, string what)
    {
        if (n < 0 || n > Stack.Count)
            throw new JitFormatException($"{what} needs {n} stack values but the stack holds {Stack.Count}");
        var r = new Value[n];
        for (int i = n - 1; i >= 0; i--) r[i] = Pop(what);
        return r;
    }

    public Value Load(int register, string what)
    {
        if ((uint)register >= (uint)Registers.Length)
            throw new JitFormatException($"{what} names register {register} but the function has {Registers.Length - 1}");
        return Registers[register] ?? throw new JitFormatException($"{what} reads register {register}, which holds no value");
    }

    public void Store(int register, Value v, string what)
    {
        if ((uint)register >= (uint)Registers.Length)
            throw new JitFormatException($"{what} names register {register} but the function has {Registers.Length - 1}");
        Registers[register] = v;
    }

    public void Clear(int register, string what)
    {
        if ((uint)register >= (uint)Registers.Length)
            throw new JitFormatException($"{what} names register {register} but the function has {Registers.Length - 1}");
        Registers[register] = null;
    }
}

using Jit.Errors;
using Jit.Serialization.Ptmf;
using Jit.Ir;

namespace Jit.Frontend.Bytecode;

// Jumps back to structure. PyTorch's emitter writes an if as
//   JF else; <then> JMP end; else: <else> end:
// leaving the if's outputs on the stack, and a loop as
//   LOADC 0; <max trips> <condition> <carried...>; LOOP exit N; <body> JMP loop; exit:
// where the body starts with the trip index and carried values on the stack and ends by
// pushing the next condition and carried values.
public sealed partial class BytecodeToGraph
{
    private int ConvertIf(Block block, int pc, int end, FrameState s)
    {
        var ins = _fn.Instructions[pc];
        // Targets in long: an offset near int.MaxValue must not wrap around to a negative pc.
        if (ins.X <= 0 || pc + (long)ins.X > end) throw Error(pc, $"JF offset {ins.X} leaves the enclosing block");
        int elseStart = pc + ins.X;
        int thenEnd = elseStart, merge = elseStart;
        var jmp = elseStart - 1 > pc ? _fn.Instructions[elseStart - 1] : default;
        if (elseStart - 1 > pc && jmp.Op == BytecodeOpCode.JMP)
        {
            if (jmp.X <= 0 || elseStart - 1L + jmp.X > end) throw Error(elseStart - 1, $"JMP offset {jmp.X} leaves the enclosing block");
            thenEnd = elseStart - 1;
            merge = elseStart - 1 + jmp.X;
        }
        EnterBlock(pc, s);
        var cond = s.Pop($"JF at instruction {pc}");
        var node = Emit(block, "prim::If", [cond]);
        var thenBlock = node.AddBlock();
        var elseBlock = node.AddBlock();
        var thenState = s.Clone();
        var elseState = s.Clone();
        var thenEndState = ConvertRange(thenBlock, pc + 1, thenEnd, thenState);
        var elseEndState = ConvertRange(elseBlock, elseStart, merge, elseState);
        if (thenEndState.Returned || elseEndState.Returned) throw Error(pc, "RET inside an if branch");
        MergeBranches(node, pc, s, (thenBlock, thenState, thenEndState.Raised), (elseBlock, elseState, elseEndState.Raised));
        _depth--;
        return merge;
    }

    // Whatever differs between the two branch states (stack slots above the common part,
    // registers) becomes an output of the If.
    private void MergeBranches(Node ifNode, int pc, FrameState s, (Block B, FrameState S, bool Raised) a, (Block B, FrameState S, bool Raised) b)
    {
        if (a.Raised && b.Raised)
        {
            s.Stack.Clear();
            return;
        }
        var live = a.Raised ? b : a;
        var other = a.Raised ? a : b;
        if (!a.Raised && !b.Raised && a.S.Stack.Count != b.S.Stack.Count)
            throw Error(pc, $"the branches of an if leave {a.S.Stack.Count} and {b.S.Stack.Count} stack values");
        int common = 0;
        if (!a.Raised && !b.Raised)
            while (common < a.S.Stack.Count && common < s.Stack.Count && a.S.Stack[common] == b.S.Stack[common] && a.S.Stack[common] == s.Stack[common]) common++;
        else
            while (common < live.S.Stack.Count && common < s.Stack.Count && live.S.Stack[common] == s.Stack[common]) common++;

        var newStack = live.S.Stack.Take(common).ToList();
        for (int i = common; i < live.S.Stack.Count; i++)
        {
            var lv = live.S.Stack[i] ?? throw Error(pc, "an if branch leaves a loop slot on the stack");
            var ov = other.Raised ? Uninitialized(other.B, lv.Type) : other.S.Stack[i] ?? throw Error(pc, "an if branch leaves a loop slot on the stack");
            newStack.Add(AddIfOutput(ifNode, live.B, lv, other.B, ov));
        }
        s.Stack.Clear();
        s.Stack.AddRange(newStack);
        for (int r = 0; r < s.Registers.Length; r++)
        {
            var lv = live.S.Registers[r];
            var ov = other.Raised ? lv : other.S.Registers[r];
            if (lv == s.Registers[r] && ov == s.Registers[r]) continue;
            if (lv is null || ov is null) { s.Registers[r] = null; continue; }
            if (other.Raised) ov = Uninitialized(other.B, lv.Type);
            s.Registers[r] = lv == ov ? lv : AddIfOutput(ifNode, live.B, lv, other.B, ov);
        }
    }

    private Value Uninitialized(Block b, JitType type)
    {
        var n = b.AppendNode(_graph.Create("prim::Uninitialized", null, 1));
        n.Output().Type = type;
        return n.Output();
    }

    private static Value AddIfOutput(Node ifNode, Block liveBlock, Value liveValue, Block otherBlock, Value otherValue)
    {
        // Block order in the node is then, else; keep outputs aligned with it.
        var (thenB, thenV, elseV) = ifNode.Blocks[0] == liveBlock ? (liveBlock, liveValue, otherValue) : (otherBlock, otherValue, liveValue);
        thenB.RegisterOutput(thenV);
        ifNode.Blocks[1].RegisterOutput(elseV);
        AdoptType(thenV, elseV);
        AdoptType(elseV, thenV);
        return ifNode.AddOutput(UnifyTypes(thenV.Type, elseV.Type));
    }

    /// <summary>
    /// UN_INITIALIZED carries no type in bytecode, so its value is made as Any. It stands for the
    /// other branch's value on a path that never reads it (TorchScript's early-return and
    /// break/continue transforms make it), so it takes that value's type, as it has in the IR;
    /// left Any, it would make the if's result Any and a later TupleUnpack of it could not say
    /// how many values it yields (MultiheadAttention's early returns). The result of an operator
    /// the registry lacks (prim::UnsupportedOp, Any) is never produced either: running it throws.
    /// </summary>
    private static void AdoptType(Value placeholder, Value other)
    {
        if (placeholder.Node.Kind is "prim::Uninitialized" or "prim::UnsupportedOp" && placeholder.Type is AnyType) placeholder.Type = other.Type;
    }

    internal static JitType UnifyTypes(JitType a, JitType b)
    {
        if (a.Equals(b)) return a;
        if (a is TensorType && b is TensorType) return TensorType.Unknown;
        if (a is NoneType) return b is OptionalType ? b : new OptionalType(b);
        if (b is NoneType) return a is OptionalType ? a : new OptionalType(a);
        if (b.IsSubtypeOf(a)) return a;
        if (a.IsSubtypeOf(b)) return b;
        // Tuples of one arity unify element-wise, as TorchScript's unifyTypes does, so a later
        // prim::TupleUnpack still knows how many values it yields.
        if (a is TupleType ta && b is TupleType tb && ta.Name is null && tb.Name is null && ta.Elements.Count == tb.Elements.Count)
            return new TupleType(ta.Elements.Zip(tb.Elements, UnifyTypes).ToArray());
        return AnyType.Instance;
    }

    private int ConvertLoop(Block block, int pc, int end, FrameState s)
    {
        var ins = _fn.Instructions[pc];
        if (ins.X <= 1 || pc + (long)ins.X > end) throw Error(pc, $"LOOP exit offset {ins.X} leaves the enclosing block");
        int exit = pc + ins.X;
        var back = _fn.Instructions[exit - 1];
        if (back.Op != BytecodeOpCode.JMP || exit - 1 + back.X != pc) throw Error(exit - 1, "a loop body must end with a jump back to its LOOP");
        int carried = ins.N - 2;
        if (carried < 0 || s.Stack.Count < ins.N + 1) throw Error(pc, $"LOOP of {ins.N} inputs with {s.Stack.Count} stack values");

        EnterBlock(pc, s);
        string what = $"LOOP at instruction {pc}";
        var inputs = s.PopN(ins.N, what); // max trips, condition, carried...
        if (s.Stack.Count == 0) throw Error(pc, "LOOP without its trip counter");
        s.Stack.RemoveAt(s.Stack.Count - 1); // the trip counter PyTorch pushes as constant 0

        var node = block.AppendNode(_graph.Create("prim::Loop", inputs, 0));
        var body = node.AddBlock();
        var tripIndex = body.AddInput(null, IntType.Instance);
        var bodyState = s.Clone();
        bodyState.Push(null);
        bodyState.Push(null);
        bodyState.Push(tripIndex);
        for (int i = 0; i < carried; i++) bodyState.Push(body.AddInput(null, inputs[i + 2].Type));
        int baseDepth = s.Stack.Count;

        var result = ConvertRange(body, pc + 1, exit - 1, bodyState);
        if (result.Returned) throw Error(pc, "RET inside a loop body");
        if (!result.Raised)
        {
            if (bodyState.Stack.Count != baseDepth + 2 + 1 + carried)
                throw Error(exit - 1, $"the loop body leaves {bodyState.Stack.Count - baseDepth} stack values, expected {3 + carried}");
            var next = bodyState.Stack.Skip(baseDepth + 2).Select(v => v ?? throw Error(exit - 1, "loop body leaves a loop slot")).ToArray();
            foreach (var v in next) body.RegisterOutput(v);
        }
        else
        {
            body.RegisterOutput(inputs[1]);
            for (int i = 0; i < carried; i++) body.RegisterOutput(body.Inputs[i + 1]);
        }
        for (int i = 0; i < carried; i++)
        {
            var o = node.AddOutput(inputs[i + 2].Type);
            s.Push(o);
        }
        _depth--;
        return exit;
    }
}

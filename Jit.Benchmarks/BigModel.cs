using Jit.Serialization.Ptmf;

namespace Jit.Benchmarks;

/// <summary>
/// A two-layer MLP written with PtmfWriter, big enough that load time is about the weights
/// (default 2048 x 1280 twice: 21 MB of float32), generated at benchmark time and never committed.
/// </summary>
public static class BigModel
{
    private const string Source = """
        class Big(Module):
          __parameters__ = ["w1", "b1", "w2", "b2", ]
          __buffers__ = []
          w1 : Tensor
          b1 : Tensor
          w2 : Tensor
          b2 : Tensor
          def forward(self: __torch__.Big,
            x: Tensor) -> Tensor:
            h = torch.relu(torch.linear(x, self.w1, self.b1))
            return torch.linear(h, self.w2, self.b2)

        """;

    public static byte[] Build(int hidden = 2048, int features = 1280)
    {
        var w = new PtmfWriter();
        var rng = new Random(1);
        int Storage(int floats)
        {
            var data = new float[floats];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() - 0.5);
            return w.AddStorage(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        }
        uint w1 = (uint)w.AddTensor((uint)Storage(hidden * features), 6, 0, [hidden, features], [features, 1]);
        uint b1 = (uint)w.AddTensor((uint)Storage(hidden), 6, 0, [hidden], [1]);
        uint w2 = (uint)w.AddTensor((uint)Storage(features * hidden), 6, 0, [features, hidden], [hidden, 1]);
        uint b2 = (uint)w.AddTensor((uint)Storage(features), 6, 0, [features], [1]);
        w.AddObjectType("__torch__.Big", PtmfTypeType.ClassWithField, ["w1", "b1", "w2", "b2"]);
        static PtmfInstruction I(BytecodeOpCode op, int x = 0, ushort n = 0) => new((sbyte)op, n, x);
        // forward(self, x) = linear(relu(linear(x, w1, b1)), w2, b2)
        uint forward = (uint)w.AddFunction(new PtmfFunctionInfo("__torch__.Big.forward",
        [
            I(BytecodeOpCode.STOREN, 1, 2), I(BytecodeOpCode.MOVE, 2),
            I(BytecodeOpCode.LOAD, 1), I(BytecodeOpCode.GET_ATTR, 0), I(BytecodeOpCode.LOAD, 1), I(BytecodeOpCode.GET_ATTR, 1),
            I(BytecodeOpCode.OP, 0), I(BytecodeOpCode.OP, 1),
            I(BytecodeOpCode.LOAD, 1), I(BytecodeOpCode.GET_ATTR, 2), I(BytecodeOpCode.MOVE, 1), I(BytecodeOpCode.GET_ATTR, 3),
            I(BytecodeOpCode.OP, 0), I(BytecodeOpCode.RET),
        ],
        [new PtmfOperator("aten::linear", "", 3), new PtmfOperator("aten::relu", "", 1)], [], [], 2,
        [new PtmfArg("self", "__torch__.Big"), new PtmfArg("x", "Tensor")], [new PtmfArg("", "Tensor")], null, 0));
        uint root = (uint)w.AddObject(0, 0, [w1, b1, w2, b2], 0);
        // The TorchScript source lets torch.jit.jit_module_from_flatbuffer rebuild the module too
        // (the lite interpreter needs only the bytecode).
        w.AddJitSource("__torch__", Source);
        return w.Finish(9, [forward], root, [], 8, (uint)w.IValueCount);
    }
}

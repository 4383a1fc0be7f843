using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class FoldDeviceQueriesTests
{
    [Fact]
    public void QueriesOfTensorsBecomeThePlannedDevice()
    {
        Assert.True(RunAndCheck(new FoldDeviceQueries(new Device(DeviceKind.Cpu)), """
            graph(%x : Tensor,
                  %c : bool):
              %a : bool = prim::is_cuda(%x)
              %d : Device = prim::If(%c)
                block0():
                  %e : Device = prim::device(%x)
                  -> (%e)
                block1():
                  %f : Device = prim::device(%x)
                  -> (%f)
              %b : bool = prim::is_cpu(%x)
              return (%a, %d, %b)
            # CHECK: prim::Constant[value=0]()
            # CHECK-NOT: prim::is_cuda
            # CHECK: prim::Constant[value="cpu"]()
            # CHECK: prim::Constant[value="cpu"]()
            # CHECK-NOT: prim::device
            # CHECK: prim::Constant[value=1]()
            # CHECK-NOT: prim::is_cpu
            """));
    }

    [Fact]
    public void TheStaticRuntimeFoldsAFastPathGuardedByDeviceChecks()
    {
        // nn.TransformerEncoderLayer's shape: collect each tensor's "is on CPU or CUDA" in a list,
        // take the fast path if all are; planned for the CPU, only the fast path is left.
        var g = Graph.Parse("""
            graph(%x : Float(2, 3)):
              %cpu : str = prim::Constant[value="cpu"]()
              %no : int = prim::Constant[value=-1]()
              %zero : int = prim::Constant[value=0]()
              %three : int = prim::Constant[value=3]()
              %l : bool[] = prim::ListConstruct()
              %d : Device = prim::device(%x)
              %s : str = aten::str(%d)
              %i : int = aten::find(%s, %cpu, %zero, %three)
              %on : bool = aten::ne(%i, %no)
              %u : bool[] = aten::append(%l, %on)
              %cuda : bool = prim::is_cuda(%x)
              %v : bool[] = aten::append(%l, %cuda)
              %ok : bool = aten::any(%l)
              %y : Tensor = prim::If(%ok)
                block0():
                  %r : Tensor = aten::relu(%x)
                  -> (%r)
                block1():
                  %n : Tensor = aten::neg(%x)
                  -> (%n)
              return (%y)
            """);
        using var backend = new CpuBackend(Device.Cpu);
        var x = Tensor.FromArray(new float[] { -1, 2, -3, 4, -5, 6 }, 2, 3);
        using var plan = StaticModule.Create(g, backend, [IValue.FromTensor(x)]);
        Assert.Equal(["aten::relu"], plan.Graph.Block.Nodes.Where(n => n.Kind != "prim::Constant").Select(n => n.Kind));
        Assert.Equal([0, 2, 0, 4, 0, 6], plan.CreateRuntime().Run(x)[0].AsTensor.ToDoubleArray());
    }
}

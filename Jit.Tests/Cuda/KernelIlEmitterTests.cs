using ILGPU.Runtime.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary><see cref="KernelAssembly"/>: one method per stage and serial form, the KernelArgs limits, and results on the CPU accelerator.</summary>
public sealed class KernelIlEmitterTests
{
    private static TeKernel Lower(string graph) => TeLowering.LowerGroup(Graph.Parse(graph), "k");

    private const string SumGraph = """
        graph(%x : Float(SS(-1), SS(-2))):
          %d : int[] = prim::Constant[value=[1]]()
          %k : bool = prim::Constant[value=0]()
          %n : NoneType = prim::Constant()
          %r : Tensor = aten::sum(%x, %d, %k, %n)
          return (%r)
        """;

    [Fact]
    public void ARowReductionHasATreeEntryAndASerialEntry()
    {
        var assembly = KernelAssembly.Emit(Lower(SumGraph), 64);
        Assert.Equal(["k_s0", "k_s0_serial"], assembly.EntryNames.Take(2));
        Assert.All(assembly.EntryNames, e => Assert.Equal([typeof(KernelArgs)], assembly.Entry(e).GetParameters().Select(p => p.ParameterType)));
        var ptx = PtxRenderer.Render(Lower(SumGraph), CudaArchitecture.SM_80, 64);
        Assert.Contains(".shared", ptx.Entries[0].Ptx);
        Assert.Contains("bar.sync", ptx.Entries[0].Ptx);
        Assert.DoesNotContain("bar.sync", ptx.Entries[1].Ptx);
    }

    [Fact]
    public void BothFormsOfARowReductionSumRowsOnTheCpuAccelerator()
    {
        var backend = CudaTesting.Shared;
        var kernel = backend.GpuKernels.GetOrCompile(Lower(SumGraph));
        // 3 rows of 100 (a tree per row) and 600 rows of 2 (short rows: one work-item per row).
        foreach (var (rows, cols) in new[] { (3, 100), (600, 2) })
        {
            var data = Enumerable.Range(0, rows * cols).Select(i => (float)(i % 7) - 3f).ToArray();
            var x = Tensor.FromArray(data, rows, cols).ToDevice(backend.Allocator);
            var result = kernel.Run([IValue.FromTensor(x)])[0].AsTensor.ToHost().ContiguousSpan<float>().ToArray();
            var expected = Enumerable.Range(0, rows).Select(r => data.Skip(r * cols).Take(cols).Sum()).ToArray();
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void AKernelPastTheArgumentLimitsIsDeclinedNamingIt()
    {
        var inputs = Enumerable.Range(0, KernelArgs.MaxViews).Select(i => TeBuffer.Contiguous("in" + i, DType.Float32, [Expr.Int(4)])).ToArray();
        var output = TeBuffer.Contiguous("out", DType.Float32, [Expr.Int(4)]);
        var i0 = new Var("i");
        Expr sum = inputs[0].Load(i0);
        foreach (var b in inputs.Skip(1)) sum = sum + b.Load(i0);
        var kernel = new TeKernel("wide", NodeList<Var>.Empty, NodeList.Create<TeBuffer>(inputs), NodeList.Create<TeBuffer>([output]),
            new ForStmt(i0, 0, 4, output.Store([i0], sum)));
        var e = Assert.Throws<JitIrException>(() => KernelAssembly.Emit(kernel, 64));
        Assert.Contains("kernel wide has 25 buffers", e.Message);
    }
}

using Jit.Codegen;
using Jit.Ir;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary><see cref="CStylePrinter"/> takes every GPU spelling from its dialect: a CUDA-like one changes only those.</summary>
public sealed class CStylePrinterTests
{
    private sealed class CudaLikeDialect : CStyleDialect
    {
        public override string KernelPrefix(int localSize) => $"extern \"C\" __global__ void __launch_bounds__({localSize})";
        public override string LocalQualifier => "__shared__";
        public override string Barrier => "__syncthreads();";
        public override string HelperPrefix => "static __device__ inline";
        public override string LocalId(int axis) => $"(long)threadIdx.{"xyz"[axis]}";
        public override string GroupId(int axis) => $"(long)blockIdx.{"xyz"[axis]}";
        public override string NumGroups(int axis) => $"(long)gridDim.{"xyz"[axis]}";
        public override string LocalSize(int axis) => $"(long)blockDim.{"xyz"[axis]}";
        public override string FloatToBits(string x) => $"__float_as_uint({x})";
        public override string BitsToFloat(string x) => $"__uint_as_float({x})";
        public override string TypeName(DType t) => t == DType.Int64 ? "long long" : base.TypeName(t);
    }

    [Fact]
    public void ADialectChangesOnlyItsSpellings()
    {
        var kernel = TeLowering.LowerGroup(Graph.Parse("""
            graph(%x : Half(SS(-1), SS(-2))):
              %d : int[] = prim::Constant[value=[1]]()
              %k : bool = prim::Constant[value=0]()
              %n : NoneType = prim::Constant()
              %r : Tensor = aten::sum(%x, %d, %k, %n)
              return (%r)
            """));
        var scheduled = GpuSchedule.Apply(kernel, 64);
        var cuda = CStylePrinter.Print(scheduled, new CudaLikeDialect());
        var opencl = CStylePrinter.Print(scheduled, OpenCLDialect.Instance);
        Assert.Contains("extern \"C\" __global__ void __launch_bounds__(64) fused_s0(const ushort* x, long long x_off,", cuda);
        Assert.Contains("__shared__ float red[64];", cuda);
        Assert.Contains("__syncthreads();", cuda);
        Assert.Contains("for (long long row = (long)blockIdx.x; row < s1; row += (long)gridDim.x)", cuda);
        Assert.Contains("((long)blockIdx.x * (long)blockDim.x + (long)threadIdx.x)", cuda);
        Assert.Contains("static __device__ inline float jit_h2f(ushort h)", cuda);
        Assert.DoesNotContain("__kernel", cuda);
        Assert.DoesNotContain("barrier(", cuda);
        // The same lines apart from the spellings (and OpenCL's FP_CONTRACT pragma).
        Assert.Equal(opencl.Split('\n').Length - 1, cuda.Split('\n').Length);
    }
}

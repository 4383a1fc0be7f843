using Jit.Codegen;
using Jit.Ir;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary><see cref="OpenCLRenderer"/>: golden renderings and the rules each rendering follows.</summary>
public sealed class OpenCLRendererTests
{
    private static TeKernel Lower(string graph) => TeLowering.LowerGroup(Graph.Parse(graph), "k");

    private const string AddGraph = """
        graph(%x : Float(SS(-1)), %y : Float(SS(-1))):
          %one : int = prim::Constant[value=1]()
          %r : Tensor = aten::add(%x, %y, %one)
          return (%r)
        """;

    private const string SumGraph = """
        graph(%x : Float(SS(-1), SS(-2))):
          %d : int[] = prim::Constant[value=[1]]()
          %k : bool = prim::Constant[value=0]()
          %n : NoneType = prim::Constant()
          %r : Tensor = aten::sum(%x, %d, %k, %n)
          return (%r)
        """;

    [Fact]
    public void ElementwiseKernelIsOneGridStrideLoop()
    {
        var program = OpenCLRenderer.Render(Lower(AddGraph));
        Assert.Equal(""""
            // k: 1 stage(s)
            #pragma OPENCL FP_CONTRACT OFF

            __kernel __attribute__((reqd_work_group_size(256, 1, 1))) void k_s0(__global const float* x, long x_off, __global const float* y, long y_off, __global float* out0, long out0_off, long s1, long x_stride0, long y_stride0)
            {
              for (long gid = (long)get_global_id(0); gid < s1; gid += (long)get_global_size(0)) {
                long out0_i0 = gid;
                out0[out0_off + out0_i0] = (x[x_off + out0_i0 * x_stride0] + y[y_off + out0_i0 * y_stride0]);
              }
            }

            """", program.Source);
        var stage = Assert.Single(program.Stages);
        Assert.Equal(new GpuStage("k_s0", GpuStageKind.Elementwise, new Var("s1"), 256), stage);
        Assert.Empty(program.Temps);
        Assert.Equal("-cl-fp32-correctly-rounded-divide-sqrt", program.BuildOptions);
    }

    [Fact]
    public void RowReductionIsAGroupPerRowTreeThenACopy()
    {
        var program = OpenCLRenderer.Render(Lower(SumGraph), localSize: 2);
        Assert.Equal(""""
            // k: 2 stage(s)
            #pragma OPENCL FP_CONTRACT OFF

            __kernel __attribute__((reqd_work_group_size(2, 1, 1))) void k_s0(__global const float* x, long x_off, __global float* out0, long out0_off, __global float* r_tmp0, long r_tmp0_off, long s1, long s2, long x_stride0, long x_stride1)
            {
              __local float red[2];
              for (long row = (long)get_group_id(0); row < s1; row += (long)get_num_groups(0)) {
                long r_tmp0_i0 = row;
                {
                  const long tid = (long)get_local_id(0);
                  float acc = 0.0f;
                  for (long j = 0L; j < (((long)((ulong)((long)((ulong)s2 - (ulong)tid)) + (ulong)1L)) / 2L); j++) {
                    long r_tmp0_r0 = ((long)((ulong)((long)((ulong)j * (ulong)2L)) + (ulong)tid));
                    acc = (acc + x[x_off + r_tmp0_i0 * x_stride0 + r_tmp0_r0 * x_stride1]);
                  }
                  red[tid] = acc;
                }
                barrier(CLK_LOCAL_MEM_FENCE);
                {
                  const long tid = (long)get_local_id(0);
                  if (tid < 1L) {
                    red[tid] = (red[tid] + red[((long)((ulong)tid + (ulong)1L))]);
                  }
                }
                barrier(CLK_LOCAL_MEM_FENCE);
                {
                  const long tid = (long)get_local_id(0);
                  if (tid == 0L) {
                    r_tmp0[r_tmp0_off + r_tmp0_i0] = 0.0f;
                    r_tmp0[r_tmp0_off + r_tmp0_i0] = (r_tmp0[r_tmp0_off + r_tmp0_i0] + red[0]);
                  }
                }
                barrier(CLK_LOCAL_MEM_FENCE);
              }
            }

            __kernel __attribute__((reqd_work_group_size(2, 1, 1))) void k_s0_serial(__global const float* x, long x_off, __global float* out0, long out0_off, __global float* r_tmp0, long r_tmp0_off, long s1, long s2, long x_stride0, long x_stride1)
            {
              for (long gid = (long)get_global_id(0); gid < s1; gid += (long)get_global_size(0)) {
                long r_tmp0_i0 = gid;
                r_tmp0[r_tmp0_off + r_tmp0_i0] = 0.0f;
                for (long r_tmp0_r0 = 0L; r_tmp0_r0 < s2; r_tmp0_r0++) {
                  r_tmp0[r_tmp0_off + r_tmp0_i0] = (r_tmp0[r_tmp0_off + r_tmp0_i0] + x[x_off + r_tmp0_i0 * x_stride0 + r_tmp0_r0 * x_stride1]);
                }
              }
            }

            __kernel __attribute__((reqd_work_group_size(2, 1, 1))) void k_s1(__global const float* x, long x_off, __global float* out0, long out0_off, __global float* r_tmp0, long r_tmp0_off, long s1, long s2, long x_stride0, long x_stride1)
            {
              for (long gid = (long)get_global_id(0); gid < s1; gid += (long)get_global_size(0)) {
                long out0_i0 = gid;
                out0[out0_off + out0_i0] = r_tmp0[r_tmp0_off + out0_i0];
              }
            }

            """", program.Source);
        Assert.Equal([GpuStageKind.GroupPerRow, GpuStageKind.Elementwise], program.Stages.Select(s => s.Kind));
        Assert.Equal("k_s0_serial", program.Stages[0].Serial?.Entry);
        Assert.Equal("r_tmp0", Assert.Single(program.Temps).Name);
    }

    private static string Render(string op, string dtype, string extra = "") => OpenCLRenderer.Render(Lower($$"""
        graph(%x : {{dtype}}(SS(-1), 4), %y : {{dtype}}(SS(-1), 4)):
        {{extra}}
          %r : Tensor = {{op}}
          return (%r)
        """)).Source;

    [Fact]
    public void Float64EnablesTheExtensionOnlyWhenUsed()
    {
        Assert.Contains("#pragma OPENCL EXTENSION cl_khr_fp64 : enable", Render("aten::mul(%x, %y)", "Double"));
        Assert.DoesNotContain("cl_khr_fp64", Render("aten::mul(%x, %y)", "Float"));
        Assert.Contains("#pragma OPENCL FP_CONTRACT OFF", Render("aten::mul(%x, %y)", "Float"));
    }

    [Fact]
    public void SixteenBitFloatsAreUShortStorageRoundedAfterEachOperation()
    {
        var half = Render("aten::mul(%x, %y)", "Half");
        Assert.Contains("__global const ushort* x", half);
        Assert.Contains("vload_half(", half);
        Assert.Contains("vstore_half_rte(jit_rh((", half);
        var bf16 = Render("aten::mul(%x, %y)", "BFloat16");
        Assert.Contains("jit_bf2f(x[", bf16);
        Assert.Contains("= jit_f2bf(jit_rbf((", bf16);
    }

    [Fact]
    public void IntegerDivisionNeverTrapsAndArithmeticWraps()
    {
        var src = Render("aten::floor_divide(%x, %y)", "Int");
        Assert.Contains("static inline long jit_floordiv_l(long a, long b) {\n  if (b == 0) return 0;", src);
        Assert.Contains("((int)jit_floordiv_l(", src);
        Assert.DoesNotContain("jit_div_l(", src);
        var add = Render("aten::add(%x, %y, %one)", "Int", "  %one : int = prim::Constant[value=1]()");
        Assert.Contains("((int)((uint)x[", add);
    }

    [Fact]
    public void MaximumPropagatesNaNAndFloatToIntCastsSaturate()
    {
        var max = Render("aten::maximum(%x, %y)", "Float");
        Assert.Contains("jit_max_f(float a, float b) { return a != a || b != b ? a + b", max);
        Assert.DoesNotContain("fmax(", max);
        var cast = OpenCLRenderer.Render(Lower("""
            graph(%x : Float(SS(-1))):
              %t : int = prim::Constant[value=3]()
              %f : bool = prim::Constant[value=0]()
              %n : NoneType = prim::Constant()
              %r : Tensor = aten::to(%x, %t, %f, %f, %n)
              return (%r)
            """)).Source;
        Assert.Contains("((int)jit_f2l_f(x[", cast);
        Assert.Contains("x != x ? 0 :", cast);
    }

    [Fact]
    public void BoolIsOneByteAndRoundIsHalfToEven()
    {
        var eq = Render("aten::eq(%x, %y)", "Float");
        Assert.Contains("__global uchar* out0", eq);
        var round = Render("aten::round(%x)", "Float");
        Assert.Contains("rint(x[", round);
    }

    // jit_f2l_f/_d mirror these values: NaN is 0, out-of-range saturates, then wraps to the width.
    [Fact]
    public void TheOracleCastsFloatToIntegerSaturatingWithNaNAsZero()
    {
        var x = new TeBuffer("x", DType.Float64, [Expr.Int(5)], [Expr.Int(1)]);
        var o64 = TeBuffer.Contiguous("o64", DType.Int64, [Expr.Int(5)]);
        var o32 = TeBuffer.Contiguous("o32", DType.Int32, [Expr.Int(5)]);
        var i = new Var("i");
        var kernel = new TeKernel("cast", [], [x], [o64, o32], new ForStmt(i, 0, 5, new BlockStmt([
            o64.Store([i], Expr.Cast(x.Load(i), DType.Int64)),
            o32.Store([i], Expr.Cast(x.Load(i), DType.Int32)),
        ])));
        var input = Tensor.FromArray(new[] { double.NaN, 1e20, -1e20, double.PositiveInfinity, -3.7 }, 5);
        var outs = TeEvaluator.Run(kernel, [input]);
        Assert.Equal([0, long.MaxValue, long.MinValue, long.MaxValue, -3], outs[0].ContiguousSpan<long>().ToArray());
        Assert.Equal([0, -1, 0, -1, -3], outs[1].ContiguousSpan<int>().ToArray());
    }
}

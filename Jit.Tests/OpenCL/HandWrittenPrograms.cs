using Jit.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Tests.OpenCL;

/// <summary>GpuPrograms written by hand to the launch ABI (buffers with element offsets, then params as long).</summary>
internal static class HandWrittenPrograms
{
    private static readonly Var N0 = new("n0"), N1 = new("n1");
    private static readonly Var Sa0 = new("sa0"), Sa1 = new("sa1"), Sb0 = new("sb0"), Sb1 = new("sb1");

    private static TeBuffer Strided(string name, Var s0, Var s1) => new(name, DType.Float32, NodeList.Create<Expr>([N0, N1]), NodeList.Create<Expr>([s0, s1]));

    private static TeKernel Kernel(string name, params TeBuffer[] outputs) =>
        new(name, [N0, N1, Sa0, Sa1, Sb0, Sb1], [Strided("a", Sa0, Sa1), Strided("b", Sb0, Sb1)], NodeList.Create(outputs), BlockStmt.Empty);

    private const string Args = "__global const float* a, long a_off, __global const float* b, long b_off, __global float* out, long out_off";
    private const string Params = "long n0, long n1, long sa0, long sa1, long sb0, long sb1";

    /// <summary>out = a + b over [n0, n1], any input strides, one grid-stride stage.</summary>
    public static GpuProgram Add(string tag = "")
    {
        var kernel = Kernel("hand_add", TeBuffer.Contiguous("out", DType.Float32, [N0, N1]));
        string source = $$"""
            // {{tag}}
            __kernel void hand_add({{Args}}, {{Params}})
            {
                long total = n0 * n1;
                for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
                    long i0 = i / n1, i1 = i % n1;
                    out[out_off + i] = a[a_off + i0 * sa0 + i1 * sa1] + b[b_off + i0 * sb0 + i1 * sb1];
                }
            }
            """;
        return new GpuProgram(kernel, source, [new GpuStage("hand_add", GpuStageKind.Elementwise, N0 * N1, 64)], []);
    }

    /// <summary>
    /// Two stages through a temporary: t = 2a (flat), then out[i] = t[total - 1 - i] + b[i], which
    /// reads what other work-groups wrote, so it needs the launch boundary.
    /// </summary>
    public static GpuProgram ReverseTwice()
    {
        var kernel = Kernel("hand_reverse", TeBuffer.Contiguous("out", DType.Float32, [N0, N1]));
        var temp = TeBuffer.Contiguous("t", DType.Float32, [N0, N1]);
        string all = $"{Args}, __global float* t, long t_off, {Params}";
        string source = $$"""
            __kernel void stage_double({{all}})
            {
                long total = n0 * n1;
                for (long i = get_global_id(0); i < total; i += get_global_size(0))
                    t[t_off + i] = 2.0f * a[a_off + (i / n1) * sa0 + (i % n1) * sa1];
            }
            __kernel void stage_reverse({{all}})
            {
                long total = n0 * n1;
                for (long i = get_global_id(0); i < total; i += get_global_size(0))
                    out[out_off + i] = t[t_off + total - 1 - i] + b[b_off + (i / n1) * sb0 + (i % n1) * sb1];
            }
            """;
        return new GpuProgram(kernel, source,
            [new GpuStage("stage_double", GpuStageKind.Elementwise, N0 * N1, 32), new GpuStage("stage_reverse", GpuStageKind.Elementwise, N0 * N1, 32)],
            [temp]);
    }

    /// <summary>out[r] = sum over the row of a + b, one work-group per row combining in local memory.</summary>
    public static GpuProgram RowSum()
    {
        var kernel = Kernel("hand_rowsum", TeBuffer.Contiguous("out", DType.Float32, [N0]));
        string source = $$"""
            __kernel void hand_rowsum({{Args}}, {{Params}})
            {
                __local float part[64];
                int lid = get_local_id(0);
                for (long r = get_group_id(0); r < n0; r += get_num_groups(0)) {
                    float acc = 0.0f;
                    for (long j = lid; j < n1; j += 64) acc += a[a_off + r * sa0 + j * sa1] + b[b_off + r * sb0 + j * sb1];
                    part[lid] = acc;
                    barrier(CLK_LOCAL_MEM_FENCE);
                    for (int s = 32; s > 0; s >>= 1) {
                        if (lid < s) part[lid] += part[lid + s];
                        barrier(CLK_LOCAL_MEM_FENCE);
                    }
                    if (lid == 0) out[out_off + r] = part[0];
                    barrier(CLK_LOCAL_MEM_FENCE);
                }
            }
            """;
        return new GpuProgram(kernel, source, [new GpuStage("hand_rowsum", GpuStageKind.GroupPerRow, N0, 64)], []);
    }

    /// <summary>A program whose source does not compile.</summary>
    public static GpuProgram Broken()
    {
        var kernel = Kernel("hand_broken", TeBuffer.Contiguous("out", DType.Float32, [N0, N1]));
        string source = $$"""
            __kernel void hand_broken({{Args}}, {{Params}})
            {
                out[out_off] = undeclared_variable_xyz;
            }
            """;
        return new GpuProgram(kernel, source, [new GpuStage("hand_broken", GpuStageKind.Single, 1, 1)], []);
    }
}

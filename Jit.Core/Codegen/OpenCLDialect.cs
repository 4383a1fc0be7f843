using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// OpenCL C 1.2 (no generic address space: helpers take values, never pointers to private
/// memory): float16 through <c>vload_half</c>/<c>vstore_half</c>, float contraction off so
/// <c>a * b + c</c> rounds twice as in the oracle, fp64 enabled only when used.
/// </summary>
public sealed class OpenCLDialect : CStyleDialect
{
    /// <summary>The one instance (the dialect has no state).</summary>
    public static readonly OpenCLDialect Instance = new();

    public override string KernelPrefix(int localSize) => $"__kernel __attribute__((reqd_work_group_size({localSize}, 1, 1))) void";
    public override string GlobalQualifier => "__global";
    public override string LocalQualifier => "__local";
    public override string Barrier => "barrier(CLK_LOCAL_MEM_FENCE);";

    public override string Preamble(bool usesDouble) =>
        "#pragma OPENCL FP_CONTRACT OFF\n" + (usesDouble ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : "");

    public override string LocalId(int axis) => $"(long)get_local_id({axis})";
    public override string GroupId(int axis) => $"(long)get_group_id({axis})";
    public override string NumGroups(int axis) => $"(long)get_num_groups({axis})";
    public override string LocalSize(int axis) => $"(long)get_local_size({axis})";
    public override string GlobalId(int axis) => $"(long)get_global_id({axis})";
    public override string GlobalSize(int axis) => $"(long)get_global_size({axis})";

    // Buffers are ushort (the ABI); vload_half and vstore_half take half pointers, which OpenCL C
    // 1.2 allows to declare without cl_khr_fp16.
    public override string LoadHalf(string pointer, string index) => $"vload_half({index}, (const __global half*){pointer})";
    public override string StoreHalf(string value, string pointer, string index) => $"vstore_half_rte({value}, {index}, (__global half*){pointer});";
}

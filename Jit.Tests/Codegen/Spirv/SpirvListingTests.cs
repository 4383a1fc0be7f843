using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>The readable listing of an emitted module, and the dtypes the renderer declines.</summary>
public sealed class SpirvListingTests
{
    // out[i] = max(x[i], 0) * 2 over n float32 elements.
    internal static TeKernel SmallKernel()
    {
        var n = new Var("n");
        var x = TeBuffer.Contiguous("x", DType.Float32, [n]);
        var y = TeBuffer.Contiguous("y", DType.Float32, [n]);
        var i = new Var("i");
        var body = new ForStmt(i, 0, n, y.Store([i], Expr.Max(x.Load(i), 0.0) * 2.0));
        return new TeKernel("relu2", NodeList.Create<Var>([n]), NodeList.Create<TeBuffer>([x]), NodeList.Create<TeBuffer>([y]), body);
    }

    // One grid-stride loop; the push constants are x's offset, y's offset, then n; max is written
    // out NaN-propagating; float arithmetic is NoContraction.
    [Fact]
    public void ListingOfASmallKernel()
    {
        var listing = VulkanRenderer.Render(SmallKernel(), 64).Listing();
        Assert.Equal(Golden.ReplaceLineEndings("\n") + "\n", listing);
    }

    [SpirvValFact]
    public void SmallKernelValidatesAndABrokenOneDoesNot()
    {
        var program = VulkanRenderer.Render(SmallKernel(), 64);
        Assert.Null(SpirvValidator.Problem(program));
        // Without the Int64 capability every int64 type is an error: the validator really runs.
        var words = (uint[])program.Words.Clone();
        int at = Array.IndexOf(words, (2u << 16) | (uint)SpirvOp.Capability, 5);
        Assert.Equal(1u, words[at + 1]);
        words[Array.IndexOf(words, 11u, at)] = 1;
        Assert.Contains("Int64", SpirvValidator.Problem(program with { Words = words }) ?? "valid");
    }

    private const string Golden = """
; SPIR-V 1.3, bound 84
OpCapability Shader
OpCapability Int64
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %20(relu2_s0) "relu2_s0" %16(global_id) %17(local_id) %18(group_id) %19(num_groups)
OpExecutionMode %20(relu2_s0) LocalSize 64 1 1
OpName %5(x) "x"
OpName %8(y) "y"
OpName %12(offsets_and_params) "offsets_and_params"
OpName %16(global_id) "global_id"
OpName %17(local_id) "local_id"
OpName %18(group_id) "group_id"
OpName %19(num_groups) "num_groups"
OpName %20(relu2_s0) "relu2_s0"
OpName %25(gid) "gid"
OpName %43(i) "i"
OpDecorate %2 ArrayStride 4
OpMemberDecorate %3 0 Offset 0
OpDecorate %3 Block
OpDecorate %5(x) DescriptorSet 0
OpDecorate %5(x) Binding 0
OpMemberDecorate %6 0 Offset 0
OpDecorate %6 Block
OpDecorate %8(y) DescriptorSet 0
OpDecorate %8(y) Binding 1
OpMemberDecorate %10 0 Offset 0
OpMemberDecorate %10 1 Offset 8
OpMemberDecorate %10 2 Offset 16
OpDecorate %10 Block
OpDecorate %16(global_id) BuiltIn GlobalInvocationId
OpDecorate %17(local_id) BuiltIn LocalInvocationId
OpDecorate %18(group_id) BuiltIn WorkgroupId
OpDecorate %19(num_groups) BuiltIn NumWorkgroups
OpDecorate %66 NoContraction
OpDecorate %69 NoContraction
%1 = OpTypeFloat 32
%2 = OpTypeRuntimeArray %1
%3 = OpTypeStruct %2
%4 = OpTypePointer StorageBuffer %3
%5(x) = OpVariable %4 StorageBuffer
%6 = OpTypeStruct %2
%7 = OpTypePointer StorageBuffer %6
%8(y) = OpVariable %7 StorageBuffer
%9 = OpTypeInt 64 1
%10 = OpTypeStruct %9 %9 %9
%11 = OpTypePointer PushConstant %10
%12(offsets_and_params) = OpVariable %11 PushConstant
%13 = OpTypeInt 32 0
%14 = OpTypeVector %13 3
%15 = OpTypePointer Input %14
%16(global_id) = OpVariable %15 Input
%17(local_id) = OpVariable %15 Input
%18(group_id) = OpVariable %15 Input
%19(num_groups) = OpVariable %15 Input
%21 = OpTypeVoid
%22 = OpTypeFunction %21
%24 = OpTypePointer Function %9
%26 = OpTypeInt 64 0
%37 = OpTypeBool
%38 = OpTypePointer PushConstant %9
%39 = OpConstant %13 2
%45 = OpConstant %13 0
%50 = OpTypePointer StorageBuffer %1
%53 = OpConstant %1 0
%54 = OpTypeInt 32 1
%59 = OpConstant %54 0
%68 = OpConstant %1 2
%70 = OpConstant %13 1
%81 = OpConstant %9 64
%20(relu2_s0) = OpFunction %21 0 %22

%23 = OpLabel
%25(gid) = OpVariable %24 Function
%43(i) = OpVariable %24 Function
%27 = OpLoad %14 %16(global_id)
%28 = OpCompositeExtract %13 %27 0
%29 = OpUConvert %26 %28
%30 = OpBitcast %9 %29
OpStore %25(gid) %30
OpBranch %31

%31 = OpLabel
OpLoopMerge %35 %34 0
OpBranch %32

%32 = OpLabel
%36 = OpLoad %9 %25(gid)
%40 = OpAccessChain %38 %12(offsets_and_params) %39
%41 = OpLoad %9 %40
%42 = OpSLessThan %37 %36 %41
OpBranchConditional %42 %33 %35

%33 = OpLabel
%44 = OpLoad %9 %25(gid)
OpStore %43(i) %44
%46 = OpAccessChain %38 %12(offsets_and_params) %45
%47 = OpLoad %9 %46
%48 = OpLoad %9 %43(i)
%49 = OpIAdd %9 %47 %48
%51 = OpAccessChain %50 %5(x) %45 %49
%52 = OpLoad %1 %51
%55 = OpIsNan %37 %52
%56 = OpIsNan %37 %53
%57 = OpLogicalOr %37 %55 %56
%58 = OpBitcast %54 %52
%60 = OpSLessThan %37 %58 %59
%61 = OpSelect %1 %60 %53 %52
%62 = OpFOrdGreaterThan %37 %52 %53
%63 = OpSelect %1 %62 %52 %53
%64 = OpFOrdEqual %37 %52 %53
%65 = OpSelect %1 %64 %61 %63
%66 = OpFAdd %1 %52 %53
%67 = OpSelect %1 %57 %66 %65
%69 = OpFMul %1 %67 %68
%71 = OpAccessChain %38 %12(offsets_and_params) %70
%72 = OpLoad %9 %71
%73 = OpLoad %9 %43(i)
%74 = OpIAdd %9 %72 %73
%75 = OpAccessChain %50 %8(y) %45 %74
OpStore %75 %69
OpBranch %34

%34 = OpLabel
%76 = OpLoad %9 %25(gid)
%77 = OpLoad %14 %19(num_groups)
%78 = OpCompositeExtract %13 %77 0
%79 = OpUConvert %26 %78
%80 = OpBitcast %9 %79
%82 = OpIMul %9 %80 %81
%83 = OpIAdd %9 %76 %82
OpStore %25(gid) %83
OpBranch %31

%35 = OpLabel
OpReturn
OpFunctionEnd
""";

    // The bounds of int64 are literal words, not rounded through a double.
    [Fact]
    public void Int64ConstantsAreExact()
    {
        var n = new Var("n");
        var x = TeBuffer.Contiguous("x", DType.Int64, [n]);
        var y = TeBuffer.Contiguous("y", DType.Int64, [n]);
        var i = new Var("i");
        var body = new ForStmt(i, 0, n, y.Store([i], Expr.Min(x.Load(i), Expr.Int(long.MaxValue)) + Expr.Int(long.MinValue + 1)));
        var listing = VulkanRenderer.Render(new TeKernel("k", NodeList.Create<Var>([n]), NodeList.Create<TeBuffer>([x]), NodeList.Create<TeBuffer>([y]), body)).Listing();
        Assert.Matches(@"OpConstant %\d+ 9223372036854775807\n", listing);
        Assert.Matches(@"OpConstant %\d+ -9223372036854775807\n", listing);
    }

    [Fact]
    public void UnsupportedBufferDTypeIsNamed()
    {
        var n = new Var("n");
        var x = TeBuffer.Contiguous("x", DType.Float16, [n]);
        var y = TeBuffer.Contiguous("y", DType.Float16, [n]);
        var i = new Var("i");
        var kernel = new TeKernel("h", NodeList.Create<Var>([n]), NodeList.Create<TeBuffer>([x]), NodeList.Create<TeBuffer>([y]), new ForStmt(i, 0, n, y.Store([i], x.Load(i))));
        var e = Assert.Throws<JitIrException>(() => VulkanRenderer.Render(kernel));
        Assert.Contains("float16", e.Message, StringComparison.Ordinal);
    }
}

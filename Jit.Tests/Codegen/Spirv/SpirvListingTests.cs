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

    // One grid-stride loop; the push constants are x's offset, y's offset, then n, loaded once at the entry; max is written
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
OpName %35(gid) "gid"
OpName %49(i) "i"
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
OpDecorate %69 NoContraction
OpDecorate %72 NoContraction
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
%24 = OpTypePointer PushConstant %9
%25 = OpConstant %13 0
%28 = OpConstant %13 1
%31 = OpConstant %13 2
%34 = OpTypePointer Function %9
%36 = OpTypeInt 64 0
%47 = OpTypeBool
%53 = OpTypePointer StorageBuffer %1
%56 = OpConstant %1 0
%57 = OpTypeInt 32 1
%62 = OpConstant %57 0
%71 = OpConstant %1 2
%81 = OpConstant %9 64
%20(relu2_s0) = OpFunction %21 0 %22

%23 = OpLabel
%35(gid) = OpVariable %34 Function
%49(i) = OpVariable %34 Function
%26 = OpAccessChain %24 %12(offsets_and_params) %25
%27 = OpLoad %9 %26
%29 = OpAccessChain %24 %12(offsets_and_params) %28
%30 = OpLoad %9 %29
%32 = OpAccessChain %24 %12(offsets_and_params) %31
%33 = OpLoad %9 %32
%37 = OpLoad %14 %16(global_id)
%38 = OpCompositeExtract %13 %37 0
%39 = OpUConvert %36 %38
%40 = OpBitcast %9 %39
OpStore %35(gid) %40
OpBranch %41

%41 = OpLabel
OpLoopMerge %45 %44 0
OpBranch %42

%42 = OpLabel
%46 = OpLoad %9 %35(gid)
%48 = OpSLessThan %47 %46 %33
OpBranchConditional %48 %43 %45

%43 = OpLabel
%50 = OpLoad %9 %35(gid)
OpStore %49(i) %50
%51 = OpLoad %9 %49(i)
%52 = OpIAdd %9 %27 %51
%54 = OpAccessChain %53 %5(x) %25 %52
%55 = OpLoad %1 %54
%58 = OpIsNan %47 %55
%59 = OpIsNan %47 %56
%60 = OpLogicalOr %47 %58 %59
%61 = OpBitcast %57 %55
%63 = OpSLessThan %47 %61 %62
%64 = OpSelect %1 %63 %56 %55
%65 = OpFOrdGreaterThan %47 %55 %56
%66 = OpSelect %1 %65 %55 %56
%67 = OpFOrdEqual %47 %55 %56
%68 = OpSelect %1 %67 %64 %66
%69 = OpFAdd %1 %55 %56
%70 = OpSelect %1 %60 %69 %68
%72 = OpFMul %1 %70 %71
%73 = OpLoad %9 %49(i)
%74 = OpIAdd %9 %30 %73
%75 = OpAccessChain %53 %8(y) %25 %74
OpStore %75 %72
OpBranch %44

%44 = OpLabel
%76 = OpLoad %9 %35(gid)
%77 = OpLoad %14 %19(num_groups)
%78 = OpCompositeExtract %13 %77 0
%79 = OpUConvert %36 %78
%80 = OpBitcast %9 %79
%82 = OpIMul %9 %80 %81
%83 = OpIAdd %9 %76 %82
OpStore %35(gid) %83
OpBranch %41

%45 = OpLabel
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

using System.IO.Compression;
using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Kernels;
using Jit.Modules;
using Jit.Ops;
using Jit.Passes;
using Jit.Runtime;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class ExternKernelsTests
{
    /// <summary>Tensor ops the fixtures run that neither the fuser lowers nor a template covers, each with the reason.</summary>
    private static readonly Dictionary<string, string> NotCovered = new()
    {
        ["aten::_native_multi_head_attention"] = "a composite of linear, bmm, softmax and masking; runs as a host step",
        ["aten::_transformer_encoder_layer_fwd"] = "a composite of attention, layer_norm and linear; runs as a host step",
        // Seen since shape analysis types MultiheadAttention's slow path (the fast path is what runs).
        ["aten::masked_fill_.Scalar"] = "in place on the attention scores of the slow path, where alias analysis keeps it; a host step on devices",
    };

    [Fact]
    public void NamesListEveryTemplate()
    {
        string[] expected =
        [
            "aten::mm", "aten::bmm", "aten::matmul", "aten::dot", "aten::linear", "aten::addmm", "aten::baddbmm",
            "aten::conv2d", "aten::conv2d.padding", "aten::_convolution", "aten::_convolution.deprecated", "aten::convolution",
            "aten::cudnn_convolution_relu", "aten::cudnn_convolution_add_relu",
            "aten::max_pool2d", "aten::max_pool2d_with_indices", "aten::avg_pool2d", "aten::adaptive_avg_pool2d", "aten::adaptive_max_pool2d",
            "aten::embedding", "aten::index_select", "aten::gather", "aten::cat", "aten::concat", "aten::stack",
            "aten::contiguous", "aten::zeros_like", "aten::ones_like", "aten::full_like",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ExternKernels.Names);
        foreach (var name in expected) Assert.NotNull(OpRegistry.Default.FindOverload(name));
    }

    [Fact]
    public void UnknownOverloadsAndMissingArgumentsAreDeclined()
    {
        Assert.False(ExternKernels.TryBuild("aten::relu", [IValue.FromTensor(Tensor.Scalar(1.0))], out _, out var reason));
        Assert.Contains("no kernel template", reason);
        Assert.False(ExternKernels.TryBuild("aten::mm", [IValue.FromTensor(Tensor.Scalar(1.0))], out _, out reason));
        Assert.Contains("missing", reason);
    }

    [Fact]
    public void CacheKeyNamesDTypesRanksAndConstants()
    {
        var rng = new Random(71);
        var h = new TemplateHarness();
        var k = h.Check("aten::conv2d", Random(rng, DType.Float32, [1, 2, 4, 4]), Random(rng, DType.Float32, [2, 2, 3, 3]), IValue.None, Ints(2, 1), Ints(1), Ints(1), 1L);
        Assert.Equal("aten::conv2d(float32[4],float32[4],None,[2,1],[1],[1],1)", k.CacheKey);
        Assert.Equal([0, 1], k.TensorArguments);
    }

    [Fact]
    public void LikeOpsMatchCpu()
    {
        var rng = new Random(72);
        var h = new TemplateHarness();
        h.Check("aten::contiguous", Random(rng, DType.Float32, [2, 3, 2], TensorLayout.Transposed));
        h.Check("aten::contiguous", Random(rng, DType.Int64, [3, 2], TensorLayout.Expanded));
        h.Check("aten::zeros_like", Random(rng, DType.Float32, [2, 3], TensorLayout.Offset));
        h.Check("aten::ones_like", Random(rng, DType.Int32, [2, 1]), (long)DType.Float64);
        h.Check("aten::full_like", Random(rng, DType.Float32, [3]), 2.5);
        h.Check("aten::full_like", Random(rng, DType.Int64, [2, 2]), long.MaxValue - 1);
        TemplateHarness.Declines("aten::full_like", Random(rng, DType.Int64, [2, 2]), 2.5);
    }

    public static TheoryData<string> Fixtures => new()
    {
        "models/cnn/model.ptmf", "models/resnet_block/model.ptmf", "models/mlp/model.ptmf", "models/transformer/model.ptmf",
        "models/control_flow/model.ptmf", "models/tuple_out/model.ptmf", "models/int_bool/model.ptmf", "models/shared_submodule/model.ptmf",
        "attention/encoder_layer.ptl.gz",
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryNonLoweredTensorOpOfTheFixturesHasATemplate(string fixture)
    {
        var module = Load(Path.Combine(OpCaseFile.FixturePath(""), fixture));
        var graph = module.MethodGraph("forward").Copy();
        using var cpu = new CpuBackend(Device.Cpu);
        PassManager.Default(null, new PassContext(module, cpu)).Run(graph);
        var missing = new List<string>();
        foreach (var node in graph.AllNodes())
        {
            if (node.Namespace != "aten" || !node.Outputs.Any(o => o.Type is TensorType)) continue;
            var op = TryOp(node);
            if (op is null || op.Kind is OpKind.View or OpKind.Host or OpKind.Prim) continue;
            var name = op.Schema.QualifiedOverloadName;
            if (LoweringTable.Find(name) is null && !ExternKernels.Names.Contains(name) && !NotCovered.ContainsKey(name)) missing.Add(name);
        }
        Assert.True(missing.Count == 0, $"{fixture}: no template for {string.Join(", ", missing.Distinct())}");
    }

    private static OpDef? TryOp(Node node)
    {
        try { return node.Op; }
        catch (Jit.Errors.JitException) { return null; }
    }

    private static JitModule Load(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) return JitModule.Load(path);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        return JitModule.Load(gz);
    }
}

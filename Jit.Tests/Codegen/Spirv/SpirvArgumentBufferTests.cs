using Jit.Backends.Cpu;
using Jit.Codegen.Spirv;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>
/// Argument blocks larger than a device's push constants (lavapipe: 128 bytes) go into a read-only
/// storage buffer at the binding after the temps; such modules validate too.
/// </summary>
public sealed class SpirvArgumentBufferTests
{
    // out = a + b + c + d over [n0, n1, n2] with every input strided: 5 buffers and 15 params.
    internal static TeKernel WideKernel()
    {
        var b = new TeBuilder("wide");
        Expr[] shape = [b.Size("n0"), b.Size("n1"), b.Size("n2")];
        var x = b.Input("a", DType.Float32, shape);
        var y = b.Input("b", DType.Float32, shape);
        var z = b.Input("c", DType.Float32, shape);
        var w = b.Input("d", DType.Float32, shape);
        b.Compute("out", DType.Float32, shape, i => x.Load([.. i]) + y.Load([.. i]) + z.Load([.. i]) + w.Load([.. i]));
        return b.Build();
    }

    [Fact]
    public void ABlockOverTheLimitIsAStorageBufferAfterTheTemps()
    {
        var kernel = WideKernel();
        var pushed = VulkanRenderer.Render(kernel, 64, 256);
        Assert.Equal(160, pushed.PushConstantBytes);
        Assert.False(pushed.ArgumentsInBuffer);
        Assert.Contains("PushConstant", pushed.Listing());
        var buffered = VulkanRenderer.Render(kernel, 64, 128);
        Assert.True(buffered.PushConstantBytes > 128);
        Assert.True(buffered.ArgumentsInBuffer);
        Assert.Equal(5, buffered.ArgumentBinding);
        string listing = buffered.Listing();
        Assert.DoesNotContain("PushConstant", listing);
        Assert.Contains("Binding 5", listing);
        Assert.Contains("NonWritable", listing);
    }

    [SpirvValFact]
    public void ModulesWithArgumentBuffersValidate()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        var modules = new List<(string, SpirvProgram)> { ("wide", VulkanRenderer.Render(WideKernel(), 64, 128)) };
        foreach (var name in ModelFixture.Names())
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var graph = module.MethodGraph("forward").Copy();
            PassManager.Default(context: new PassContext(module, cpu)).Run(graph);
            new TensorExprFuser().RunProfiled(graph, f.Inputs(module));
            var groups = TensorExprFuser.Groups(graph);
            for (int g = 0; g < groups.Count; g++)
            {
                var program = VulkanRenderer.Render(TeLowering.LowerGroup(TensorExprFuser.Subgraph(groups[g]), $"group{g}"), 64, 128);
                if (program.ArgumentsInBuffer) modules.Add(($"{name} group {g}", program));
            }
        }
        SpirvValidator.AssertValid(modules);
    }
}

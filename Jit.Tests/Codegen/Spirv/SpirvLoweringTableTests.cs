using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>
/// Every op of the lowering table, lowered alone and rendered with <see cref="VulkanRenderer"/>,
/// is a valid Vulkan 1.1 module (spirv-val); float32, the integer dtypes and bool render every op, and
/// float64 every op but the transcendental ones GLSL.std.450 has only in 32 bits.
/// </summary>
public sealed class SpirvLoweringTableTests
{
    [SpirvValFact]
    public void EveryLoweredOpValidates()
    {
        var modules = new List<(string, SpirvProgram)>();
        var declined = new List<string>();
        foreach (var name in LoweringTable.Names)
        {
            var schema = OpRegistry.Default.FindOverload(name);
            if (schema is null) continue;
            foreach (var dtype in new[] { DType.Float32, DType.Int64, DType.Float64, DType.Int32, DType.Bool, DType.Int8, DType.UInt8, DType.Int16 })
            {
                if (OpenCLCompileTests.GraphFor(schema, dtype) is not { } text) continue;
                var kernel = TeLowering.TryLowerGroup(Graph.Parse(text), out _, "k");
                if (kernel is null) continue;
                try
                {
                    modules.Add(($"{name} {dtype.PythonName()}", VulkanRenderer.Render(kernel)));
                }
                catch (JitIrException e) when (e.Message.Contains("SPIR-V renderer", StringComparison.Ordinal))
                {
                    // Declined by design: a float64 transcendental (GLSL.std.450 has them in 32 bits only).
                    declined.Add($"{name} {dtype.PythonName()}: {e.Message}");
                }
                catch (JitIrException e)
                {
                    Assert.Fail($"{name} {dtype.PythonName()}: {e.Message}");
                }
            }
        }
        Assert.True(modules.Count > LoweringTable.Names.Count * 3, $"only {modules.Count} modules rendered");
        Assert.True(declined.All(d => d.Contains(" float64: ", StringComparison.Ordinal)), $"{declined.Count} declined:\n{string.Join("\n", declined)}");
        SpirvValidator.AssertValid(modules);
    }
}

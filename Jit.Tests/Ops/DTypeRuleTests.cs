using System.Text.Json;
using Jit.Errors;
using Jit.Ops;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Ops;

/// <summary>Dtype rules against PyTorch's actual output dtypes (fixtures/ops/dtype_rules.json, from tools/fixtures/ops_dtypes.py).</summary>
public sealed class DTypeRuleTests
{
    private static readonly JsonElement[] Cases = FixtureArgs.LoadCases("dtype_rules.json");

    public static TheoryData<string> Ops()
    {
        var d = new TheoryData<string>();
        foreach (var op in Cases.Select(c => c.GetProperty("op").GetString()!).Distinct()) d.Add(op);
        return d;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void MatchesPyTorch(string op)
    {
        var failures = new List<string>();
        foreach (var c in Cases.Where(c => c.GetProperty("op").GetString() == op))
        {
            var args = FixtureArgs.Build(c);
            var def = OpRegistry.Default.Get(op);
            string? got;
            try
            {
                var types = def.InferOutputTypes(args);
                got = string.Join(",", types.OfType<Jit.Ir.TensorType>().Select(t => t.DType?.PythonName() ?? "?"));
            }
            catch (JitException e)
            {
                got = "raised: " + e.Message;
            }
            if (c.TryGetProperty("dtypes", out var want))
            {
                var w = string.Join(",", want.EnumerateArray().Select(x => x.GetString()));
                if (got != w) failures.Add($"{FixtureArgs.Describe(c)}: PyTorch gives {w}, we give {got}");
            }
            else if (c.TryGetProperty("raised", out var msg))
            {
                if (!got.StartsWith("raised", StringComparison.Ordinal)) failures.Add($"{FixtureArgs.Describe(c)}: PyTorch raises ({msg.GetString()}), we give {got}");
            }
            else if (c.TryGetProperty("meta_dtypes", out var meta) && !got.StartsWith("raised", StringComparison.Ordinal))
            {
                // No CPU kernel for these dtypes in PyTorch: we may reject them, or must agree with its meta function.
                var w = string.Join(",", meta.EnumerateArray().Select(x => x.GetString()));
                if (got != w) failures.Add($"{FixtureArgs.Describe(c)}: PyTorch's meta function gives {w}, we give {got}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(40)));
    }
}

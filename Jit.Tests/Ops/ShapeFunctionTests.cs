using System.Text.Json;
using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Xunit;

namespace Jit.Tests.Ops;

/// <summary>Shape functions against PyTorch's actual output shapes (fixtures/ops/shape_rules.json, from tools/fixtures/ops_shapes.py).</summary>
public sealed class ShapeFunctionTests
{
    private static readonly JsonElement[] Cases = FixtureArgs.LoadCases("shape_rules.json");

    public static TheoryData<int> Indices()
    {
        var d = new TheoryData<int>();
        for (int i = 0; i < Cases.Length; i++) d.Add(i);
        return d;
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void MatchesPyTorch(int index)
    {
        var c = Cases[index];
        var args = FixtureArgs.Build(c);
        var def = OpRegistry.Default.Get(args.Op);
        var what = FixtureArgs.Describe(c);
        if (c.TryGetProperty("raised", out var msg))
        {
            var e = Assert.ThrowsAny<JitException>(() => def.InferOutputTypes(args));
            Assert.True(e is JitShapeException or JitTypeException, $"{what}: expected a shape error like PyTorch's ({msg.GetString()}), got {e}");
            return;
        }
        var want = c.GetProperty("shapes").EnumerateArray().ToArray();
        var got = def.InferOutputTypes(args);
        int k = 0;
        for (int r = 0; r < got.Length; r++)
        {
            switch (got[r])
            {
                case TensorType t:
                    Assert.True(t.ConcreteSizes is not null, $"{what}: output {r} has sizes {ShapeString(t)}; all inputs are static, so every dim must be known");
                    Assert.Equal(Ints(want[k++]), t.ConcreteSizes!);
                    break;
                case ListType { Element: TensorType e }:
                    // A Tensor[] return has one element type: each dim it knows must hold for every element.
                    foreach (var piece in want[k++].EnumerateArray())
                    {
                        var p = Ints(piece);
                        Assert.True(e.Sizes is not null && e.Sizes.Count == p.Length, $"{what}: element rank {ShapeString(e)} vs {string.Join(",", p)}");
                        for (int i = 0; i < p.Length; i++)
                            if (e.Sizes![i] is { } s) Assert.True(s.IsStatic && s.Value == p[i], $"{what}: element dim {i} is {s}, PyTorch gives {p[i]}");
                    }
                    break;
            }
        }
    }

    private static long[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    private static string ShapeString(TensorType t) => t.Sizes is null ? "[*]" : "[" + string.Join(", ", t.Sizes.Select(s => s?.ToString() ?? "*")) + "]";
}

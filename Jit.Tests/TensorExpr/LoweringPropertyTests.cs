using System.Globalization;
using System.Text;
using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>
/// Random elementwise / broadcast / reduction graphs (seeded; the seed and the graph are printed
/// on failure) lowered with <see cref="TeLowering.LowerGroup"/> and run by the reference
/// evaluator, against interpreting the same graph with the CPU backend.
/// </summary>
public sealed class LoweringPropertyTests
{
    private const int Graphs = 300;

    private static readonly string[] Unary = ["relu", "sigmoid", "tanh", "neg", "abs", "exp", "silu", "erf"];
    private static readonly string[] Binary = ["add", "sub", "mul", "div", "maximum", "minimum"];

    [Fact]
    public void RandomGraphsMatchTheInterpreter()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        for (int seed = 1; seed <= Graphs; seed++)
        {
            var (text, inputs) = RandomGraph(seed);
            try
            {
                var graph = Graph.Parse(text);
                var expected = new Interpreter(graph, cpu).Run(inputs.Select(t => (IValue)t).ToArray());
                var kernel = TeLowering.LowerGroup(graph);
                var got = TeEvaluator.Run(kernel, inputs);
                for (int o = 0; o < expected.Length; o++)
                    LoweringHarness.AssertClose(expected[o].AsTensor, got[o], $"output {o}");
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"random graph seed {seed} failed: {e.Message}\n{text}");
            }
        }
    }

    // Values are shaped as a broadcast of a suffix of one base shape (each dim either the base
    // size or 1), so any two of them broadcast together; reductions keep dims (or drop the
    // leading one), which keeps that property.
    private static (string Text, Tensor[] Inputs) RandomGraph(int seed)
    {
        var rng = new Random(seed);
        int rank = rng.Next(1, 4);
        long[] sizeChoices = [1, 2, 3, 5, 7];
        var baseShape = Enumerable.Range(0, rank).Select(_ => rng.Next(12) == 0 ? 0L : sizeChoices[rng.Next(sizeChoices.Length)]).ToArray();
        bool symbolic = rng.Next(4) != 0;
        var values = new List<(string Name, long[] Shape)>();
        var inputs = new List<Tensor>();
        var header = new List<string>();
        int symbol = 1;
        int nInputs = rng.Next(1, 4);
        for (int i = 0; i < nInputs; i++)
        {
            int r = rng.Next(1, rank + 1);
            var shape = baseShape[(rank - r)..].Select(s => rng.Next(4) == 0 ? 1L : s).ToArray();
            var layout = rng.Next(3) == 0 ? Layout.Transposed : Layout.Contiguous;
            inputs.Add(LoweringHarness.MakeTensor(rng, new TensorArg(DType.Float32, shape, layout)));
            var dims = shape.Select(s => symbolic ? $"SS(-{symbol++})" : s.ToString(CultureInfo.InvariantCulture));
            header.Add($"%x{i} : Float({string.Join(", ", dims)})");
            values.Add(($"x{i}", shape));
        }
        var body = new StringBuilder();
        body.Append("  %one : int = prim::Constant[value=1]()\n  %none : NoneType = prim::Constant()\n  %true : bool = prim::Constant[value=1]()\n  %false : bool = prim::Constant[value=0]()\n");
        int nodes = rng.Next(2, 9);
        for (int k = 0; k < nodes; k++)
        {
            var name = $"v{k}";
            var (a, sa) = values[rng.Next(values.Count)];
            var (b, sb) = values[rng.Next(values.Count)];
            long[] shape;
            int choice = rng.Next(10);
            if (choice < 3)
            {
                body.Append(CultureInfo.InvariantCulture, $"  %{name} : Tensor = aten::{Unary[rng.Next(Unary.Length)]}(%{a})\n");
                shape = sa;
            }
            else if (choice < 7)
            {
                var op = Binary[rng.Next(Binary.Length)];
                var alpha = op is "add" or "sub" ? ", %one" : "";
                body.Append(CultureInfo.InvariantCulture, $"  %{name} : Tensor = aten::{op}(%{a}, %{b}{alpha})\n");
                shape = Broadcast(sa, sb);
            }
            else if (choice == 7)
            {
                body.Append(CultureInfo.InvariantCulture, $"  %{name}_c : Tensor = aten::gt(%{a}, %{b})\n");
                body.Append(CultureInfo.InvariantCulture, $"  %{name} : Tensor = aten::where(%{name}_c, %{a}, %{b})\n");
                shape = Broadcast(sa, sb);
            }
            else if (sa.Length == 0)
            {
                body.Append(CultureInfo.InvariantCulture, $"  %{name} : Tensor = aten::mul(%{a}, %{a})\n");
                shape = sa;
            }
            else
            {
                int dim = rng.Next(sa.Length);
                // Dropping a dim keeps the right alignment only for the leading one.
                bool keep = dim != 0 || rng.Next(2) == 0;
                var red = rng.Next(4) switch { 0 => "sum", 1 => "mean", 2 => "amax", _ => "softmax" };
                if (red == "amax" && sa[dim] == 0) red = "sum";
                body.Append(CultureInfo.InvariantCulture, $"  %{name}_d : int[] = prim::Constant[value=[{dim}]]()\n");
                body.Append(CultureInfo.InvariantCulture, $"  %{name}_i : int = prim::Constant[value={dim}]()\n");
                body.Append(red switch
                {
                    "sum" => $"  %{name} : Tensor = aten::sum(%{a}, %{name}_d, {(keep ? "%true" : "%false")}, %none)\n",
                    "mean" => $"  %{name} : Tensor = aten::mean(%{a}, %{name}_d, {(keep ? "%true" : "%false")}, %none)\n",
                    "amax" => $"  %{name} : Tensor = aten::amax(%{a}, %{name}_d, {(keep ? "%true" : "%false")})\n",
                    _ => $"  %{name} : Tensor = aten::softmax(%{a}, %{name}_i, %none)\n",
                });
                shape = red == "softmax" ? sa : keep ? sa.Select((s, d) => d == dim ? 1L : s).ToArray() : sa[1..];
            }
            values.Add((name, shape));
        }
        var outs = new List<string> { $"%{values[^1].Name}" };
        if (rng.Next(2) == 0) outs.Add($"%{values[rng.Next(values.Count)].Name}");
        body.Append(CultureInfo.InvariantCulture, $"  return ({string.Join(", ", outs)})\n");
        return ($"graph({string.Join(", ", header)}):\n{body}", inputs.ToArray());
    }

    private static long[] Broadcast(long[] a, long[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            long x = d - (rank - a.Length) >= 0 ? a[d - (rank - a.Length)] : 1;
            long y = d - (rank - b.Length) >= 0 ? b[d - (rank - b.Length)] : 1;
            r[d] = x == 1 ? y : x;
        }
        return r;
    }
}

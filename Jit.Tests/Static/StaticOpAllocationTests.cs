using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>
/// Small graphs with the patterns that made the torchvision models allocate on every steady-state
/// run (resnet18, convnext_tiny, efficientnet_b0, mobilenet_v3_small, googlenet, squeezenet1_1):
/// each now runs allocation-free, unfused and fused, and gives the interpreter's result.
/// </summary>
public sealed class StaticOpAllocationTests
{
    private const int Runs = 10;

    private static readonly Dictionary<string, (string Ir, long[][] Inputs)> Graphs = new()
    {
        // resnet's residual: conv, then add_ and relu_ in place on the conv's planned output.
        ["in_place_add_relu"] = ("""
            graph(%x : Float(1, 4, 6, 6), %w : Float(4, 4, 3, 3)):
              %one : int = prim::Constant[value=1]()
              %none : NoneType = prim::Constant()
              %s : int[] = prim::Constant[value=[1, 1]]()
              %c : Tensor = aten::conv2d(%x, %w, %none, %s, %s, %s, %one)
              %a : Tensor = aten::add_(%c, %x, %one)
              %r : Tensor = aten::relu_(%a)
              %two : float = prim::Constant[value=2.5]()
              %m : Tensor = aten::mul_(%r, %two)
              %y : Tensor = aten::neg(%m)
              return (%y)
            """, [[1, 4, 6, 6], [4, 4, 3, 3]]),
        // mobilenet_v3's activations.
        ["hardswish_hardsigmoid"] = ("""
            graph(%x : Float(2, 8, 5, 5)):
              %h : Tensor = aten::hardswish(%x)
              %n : Tensor = aten::neg(%h)
              %g : Tensor = aten::hardsigmoid(%n)
              %y : Tensor = aten::hardswish_(%g)
              return (%y)
            """, [[2, 8, 5, 5]]),
        // convnext: layer_norm of a permuted (channels-last) view, a conv of a permuted view, permute of an in-place result.
        ["permuted_layer_norm_and_conv"] = ("""
            graph(%x : Float(1, 6, 5, 5), %lw : Float(6), %lb : Float(6), %w : Float(6, 6, 2, 2), %b : Float(6)):
              %one : int = prim::Constant[value=1]()
              %true : bool = prim::Constant[value=1]()
              %eps : float = prim::Constant[value=1e-06]()
              %ns : int[] = prim::Constant[value=[6]]()
              %last : int[] = prim::Constant[value=[0, 2, 3, 1]]()
              %first : int[] = prim::Constant[value=[0, 3, 1, 2]]()
              %s2 : int[] = prim::Constant[value=[2, 2]]()
              %s1 : int[] = prim::Constant[value=[1, 1]]()
              %z : int[] = prim::Constant[value=[0, 0]]()
              %e : Tensor = aten::exp(%x)
              %a : Tensor = aten::add_(%e, %x, %one)
              %p : Tensor = aten::permute(%a, %last)
              %ln : Tensor = aten::layer_norm(%p, %ns, %lw, %lb, %eps, %true)
              %q : Tensor = aten::permute(%ln, %first)
              %c : Tensor = aten::conv2d(%q, %w, %b, %s2, %z, %s1, %one)
              %y : Tensor = aten::relu(%c)
              return (%y)
            """, [[1, 6, 5, 5], [6], [6], [6, 6, 2, 2], [6]]),
        // googlenet: views of the graph input, and a namedtuple built and unpacked.
        ["input_views_and_tuple"] = ("""
            graph(%x : Float(1, 3, 4, 4)):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %s : Tensor = aten::select(%x, %one, %zero)
              %u : Tensor = aten::unsqueeze(%s, %one)
              %m : Tensor = aten::neg(%u)
              %t : (Tensor, Tensor) = prim::TupleConstruct(%m, %x)
              %a : Tensor, %b : Tensor = prim::TupleUnpack(%t)
              %y : Tensor = aten::sigmoid(%a)
              return (%y)
            """, [[1, 3, 4, 4]]),
        // googlenet's transform_input: each channel scaled and shifted, then concatenated; fused, one
        // group whose three loops run inline (each parallel region's call allocated its closure).
        ["transform_input"] = ("""
            graph(%x : Float(1, 3, 8, 8)):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %two : int = prim::Constant[value=2]()
              %k0 : float = prim::Constant[value=0.458]()
              %k1 : float = prim::Constant[value=0.448]()
              %k2 : float = prim::Constant[value=0.45]()
              %b0 : float = prim::Constant[value=-0.03]()
              %b1 : float = prim::Constant[value=-0.088]()
              %b2 : float = prim::Constant[value=-0.188]()
              %s0 : Tensor = aten::select(%x, %one, %zero)
              %u0 : Tensor = aten::unsqueeze(%s0, %one)
              %m0 : Tensor = aten::mul(%u0, %k0)
              %c0 : Tensor = aten::add(%m0, %b0, %one)
              %s1 : Tensor = aten::select(%x, %one, %one)
              %u1 : Tensor = aten::unsqueeze(%s1, %one)
              %m1 : Tensor = aten::mul(%u1, %k1)
              %c1 : Tensor = aten::add(%m1, %b1, %one)
              %s2 : Tensor = aten::select(%x, %one, %two)
              %u2 : Tensor = aten::unsqueeze(%s2, %one)
              %m2 : Tensor = aten::mul(%u2, %k2)
              %c2 : Tensor = aten::add(%m2, %b2, %one)
              %l : Tensor[] = prim::ListConstruct(%c0, %c1, %c2)
              %y : Tensor = aten::cat(%l, %one)
              return (%y)
            """, [[1, 3, 8, 8]]),
        // vit_small's attention softmax, large enough to compile alone: its row max folded a vector's
        // lanes through a fresh array per row.
        ["attention_softmax"] = ("""
            graph(%x : Float(3, 197, 197)):
              %last : int = prim::Constant[value=-1]()
              %none : NoneType = prim::Constant()
              %y : Tensor = aten::softmax(%x, %last, %none)
              return (%y)
            """, [[3, 197, 197]]),
        // squeezenet: the output is a view (flatten) of a pooled tensor, copied into the caller's output.
        ["flattened_output"] = ("""
            graph(%x : Float(1, 10, 3, 3)):
              %one : int = prim::Constant[value=1]()
              %minus : int = prim::Constant[value=-1]()
              %size : int[] = prim::Constant[value=[1, 1]]()
              %r : Tensor = aten::relu(%x)
              %p : Tensor = aten::adaptive_avg_pool2d(%r, %size)
              %y : Tensor = aten::flatten(%p, %one, %minus)
              return (%y)
            """, [[1, 10, 3, 3]]),
    };

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Graphs.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WarmRunsAllocateNothingAndMatchTheInterpreter(string name, bool fused)
    {
        var (ir, shapes) = Graphs[name];
        var graph = Graph.Parse(ir);
        var inputs = shapes.Select((s, i) => IValue.FromTensor(Values(i, s))).ToArray();
        using var cpu = new CpuBackend(Device.Cpu);
        var expected = new Interpreter(graph, cpu).Run(inputs)[0].AsTensor;
        using var compiled = CompiledModule.Create(graph, cpu, options: new CompiledModuleOptions { Passes = "Peephole", Fusion = fused });
        var outputs = new IValue[compiled.OutputCount];
        for (int i = 0; i < 3; i++) compiled.Run(inputs, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++) compiled.Run(inputs, outputs);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{name} (fused: {fused}): {allocated / Runs} bytes per run; steps: {string.Join("; ", compiled.PlanFor(inputs).StepDescriptions)}");
        Assert.Equal(expected.SizesArray(), outputs[0].AsTensor.SizesArray());
        var want = DeviceTesting.Elements(expected);
        var got = DeviceTesting.Elements(outputs[0].AsTensor);
        for (int k = 0; k < want.Length; k++)
            Assert.True(Math.Abs(want[k] - got[k]) <= 1e-5 + 1e-5 * Math.Abs(want[k]), $"{name}: element {k}: {got[k]}, expected {want[k]}");
    }

    [Fact]
    public void AnInPlaceOpWhoseOperandOverlapsSelfReadsTheOldValues()
    {
        // add_ of a row of self (read before it is written, as PyTorch computes it), then of self itself.
        var graph = Graph.Parse("""
            graph(%x : Float(3, 4)):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %e : Tensor = aten::exp(%x)
              %row : Tensor = aten::select(%e, %zero, %one)
              %a : Tensor = aten::add_(%e, %row, %one)
              %b : Tensor = aten::mul_(%a, %a)
              %y : Tensor = aten::neg(%b)
              return (%y)
            """);
        var x = Values(0, [3, 4]);
        using var cpu = new CpuBackend(Device.Cpu);
        var expected = DeviceTesting.Elements(new Interpreter(graph, cpu).Run([x])[0].AsTensor);
        using var compiled = CompiledModule.Create(graph, cpu, options: new CompiledModuleOptions { Passes = "Peephole" });
        for (int run = 0; run < 2; run++)
        {
            var got = DeviceTesting.Elements(compiled.Run(x)[0].AsTensor);
            Assert.Equal(expected, got);
        }
        var e = x.ToDoubleArray().Select(Math.Exp).ToArray();
        // Element 0 adds row 1's old element 0; element 11 (in row 2) adds row 1's element 3, already doubled had it been read late.
        double first = e[0] + e[4], last = e[11] + e[7];
        Assert.True(Math.Abs(-first * first - expected[0]) <= 1e-5 * first * first, $"element 0: {expected[0]}");
        Assert.True(Math.Abs(-last * last - expected[11]) <= 1e-5 * last * last, $"element 11: {expected[11]}");
    }

    // Values in [-2, 2) that differ between inputs and elements, with no two equal neighbours.
    private static Tensor Values(int input, long[] sizes)
    {
        long n = sizes.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (long i = 0; i < n; i++) data[i] = (float)((i * 7 + input * 13) % 17) / 4.25f - 2f;
        return Tensor.FromArray(data, sizes);
    }
}

using System.Globalization;
using System.Text;
using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>What values a random tensor argument holds.</summary>
internal enum DataRange
{
    /// <summary>Floats in [-4, 4] with 3 decimals, ints in [-100, 100), bools, bytes.</summary>
    Any,
    /// <summary>As <see cref="Any"/> without zeros (integer divisors).</summary>
    NonZero,
    /// <summary>Small values: floats in [-4, 4], ints in [0, 4) (integer powers).</summary>
    Small,
}

/// <summary>How a tensor argument is laid out.</summary>
internal enum Layout
{
    Contiguous,
    /// <summary>Every dim reversed in memory (a transpose), so no stride is 1 where it would be.</summary>
    Transposed,
    /// <summary>Dim 0 of size 1 in memory expanded with stride 0 to the given size.</summary>
    Expanded,
}

/// <summary>One argument of an op under test: a random tensor, a constant, or a number passed as a group input.</summary>
internal abstract record LArg;

internal sealed record TensorArg(DType DType, long[] Sizes, Layout Layout = Layout.Contiguous, DataRange Range = DataRange.Any) : LArg;

internal sealed record ConstArg(string IrType, string IrValue, IValue Value) : LArg
{
    public static ConstArg Int(long v) => new("int", "[value=" + v.ToString(CultureInfo.InvariantCulture) + "]", IValue.FromInt(v));
    public static ConstArg Float(double v) => new("float", "[value=" + v.ToString("R", CultureInfo.InvariantCulture) + "]", IValue.FromDouble(v));
    public static ConstArg Bool(bool v) => new("bool", "[value=" + (v ? 1 : 0) + "]", IValue.FromBool(v));
    public static ConstArg Str(string v) => new("str", "[value=\"" + v + "\"]", IValue.FromString(v));
    public static readonly ConstArg None = new("NoneType", "", IValue.None);
    public static ConstArg Ints(params long[] v) =>
        new("int[]", "[value=[" + string.Join(", ", v) + "]]", IValue.FromList(new IValueList(IntType.Instance, v.Select(IValue.FromInt).ToList())));
}

/// <summary>A number that is an input of the group (a rank-0 buffer of the kernel).</summary>
internal sealed record ScalarInputArg(IValue Value) : LArg;

/// <summary>
/// Runs one op both ways: lowered with <see cref="TeLowering.LowerGroup"/> and run by
/// <see cref="TeEvaluator"/>, and through the unfused CPU kernel; compares the outputs.
/// </summary>
internal static class LoweringHarness
{
    private static readonly CpuBackend Cpu = new(Device.Cpu);

    /// <summary>Every dtype an elementwise op may be asked to take.</summary>
    public static readonly DType[] AllDTypes =
        [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8, DType.Bool];

    /// <summary>
    /// Checks <paramref name="overload"/> on <paramref name="args"/>; false when the CPU kernel
    /// rejects the arguments (a dtype the op does not accept), true when both ran and agree.
    /// With <paramref name="symbolic"/>, every tensor dim is a distinct symbol (any size may be 1).
    /// </summary>
    public static bool Check(string overload, IReadOnlyList<LArg> args, Random rng, int outputs = 1, bool symbolic = true)
    {
        var values = new IValue[args.Count];
        var kernelInputs = new List<Tensor>();
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case TensorArg t:
                    var x = MakeTensor(rng, t);
                    values[i] = x;
                    kernelInputs.Add(x);
                    break;
                case ConstArg c:
                    values[i] = c.Value;
                    break;
                case ScalarInputArg s:
                    values[i] = s.Value;
                    kernelInputs.Add(s.Value.IsDouble ? Tensor.Scalar(s.Value.AsDouble, DType.Float64)
                        : s.Value.IsBool ? Tensor.Scalar(s.Value.AsBool) : Tensor.Scalar(s.Value.AsInt));
                    break;
            }
        }
        Assert.True(Cpu.Kernels.TryGet(overload, out var kernel), $"no CPU kernel {overload}");
        var expected = new IValue[outputs];
        try { kernel(values, expected); }
        catch (JitException) { return false; }

        var graph = Graph.Parse(GraphText(overload, args, outputs, symbolic));
        TeKernel te;
        try { te = TeLowering.LowerGroup(graph); }
        catch (JitException e) { throw new Xunit.Sdk.XunitException($"{overload} ({Describe(args)}): lowering failed: {e.Message}\n{graph}"); }
        var got = TeEvaluator.Run(te, kernelInputs);
        for (int o = 0; o < outputs; o++)
            AssertClose(expected[o].AsTensor, got[o], $"{overload} ({Describe(args)}) output {o}\n{te}");
        return true;
    }

    public static string Describe(IReadOnlyList<LArg> args) => string.Join(", ", args.Select(a => a switch
    {
        TensorArg t => $"{t.DType.PythonName()}[{string.Join(",", t.Sizes)}]{(t.Layout == Layout.Contiguous ? "" : " " + t.Layout)}",
        ConstArg c => c.Value.ToString(),
        ScalarInputArg s => "input " + s.Value,
        _ => "?",
    }));

    internal static string GraphText(string overload, IReadOnlyList<LArg> args, int outputs, bool symbolic)
    {
        var kind = overload.Contains('.', StringComparison.Ordinal) && overload.IndexOf('.', StringComparison.Ordinal) > overload.IndexOf("::", StringComparison.Ordinal)
            ? overload[..overload.IndexOf('.', overload.IndexOf("::", StringComparison.Ordinal))] : overload;
        var inputs = new List<string>();
        var body = new StringBuilder();
        int symbol = 1;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case TensorArg t:
                    var dims = t.Sizes.Select(s => symbolic ? $"SS(-{symbol++})" : s.ToString(CultureInfo.InvariantCulture));
                    inputs.Add($"%a{i} : {t.DType.IrName()}({string.Join(", ", dims)})");
                    break;
                case ScalarInputArg s:
                    inputs.Add($"%a{i} : {(s.Value.IsDouble ? "float" : s.Value.IsBool ? "bool" : "int")}");
                    break;
                case ConstArg c:
                    body.Append(CultureInfo.InvariantCulture, $"  %a{i} : {c.IrType} = prim::Constant{c.IrValue}()\n");
                    break;
            }
        }
        var outs = Enumerable.Range(0, outputs).Select(o => $"%r{o}").ToArray();
        body.Append(CultureInfo.InvariantCulture, $"  {string.Join(", ", outs.Select(o => o + " : Tensor"))} = {kind}({string.Join(", ", Enumerable.Range(0, args.Count).Select(i => $"%a{i}"))})\n");
        body.Append(CultureInfo.InvariantCulture, $"  return ({string.Join(", ", outs)})\n");
        return $"graph({string.Join(", ", inputs)}):\n{body}";
    }

    public static Tensor MakeTensor(Random rng, TensorArg a)
    {
        var sizes = a.Sizes;
        switch (a.Layout)
        {
            case Layout.Transposed when sizes.Length >= 1:
            {
                // Storage holds the reversed shape (twice as long in the last dim for rank 1).
                if (sizes.Length == 1)
                {
                    var wide = Fill(rng, a with { Sizes = [sizes[0] * 2 + 1] });
                    return wide.AsStrided(sizes, [2L], 1);
                }
                var rev = sizes.Reverse().ToArray();
                var baseT = Fill(rng, a with { Sizes = rev });
                var strides = baseT.StridesArray().Reverse().ToArray();
                return baseT.AsStrided(sizes, strides);
            }
            case Layout.Expanded when sizes.Length >= 1:
            {
                var one = sizes.ToArray();
                one[0] = 1;
                var baseT = Fill(rng, a with { Sizes = one });
                var strides = baseT.StridesArray();
                strides[0] = 0;
                return baseT.AsStrided(sizes, strides);
            }
            default:
                return Fill(rng, a);
        }
    }

    private static Tensor Fill(Random rng, TensorArg a)
    {
        var t = Tensor.Empty(a.DType, a.Sizes);
        for (long i = 0; i < t.NumElements; i++)
        {
            if (a.DType.IsFloatingPoint())
            {
                double v = Math.Round(rng.NextDouble() * 8 - 4, 3);
                if (a.Range == DataRange.NonZero && Math.Abs(v) < 0.01) v = 0.5;
                t.SetDouble(i, v);
            }
            else if (a.DType == DType.Bool) t.SetLong(i, a.Range == DataRange.NonZero ? 1 : rng.Next(2));
            else if (a.Range == DataRange.Small) t.SetLong(i, rng.Next(0, 4));
            else
            {
                long v = a.DType == DType.UInt8 ? rng.Next(256) : rng.Next(-100, 100);
                if (a.Range == DataRange.NonZero && v == 0) v = 3;
                t.SetLong(i, v);
            }
        }
        return t;
    }

    /// <summary>Exact for integers and bool; for floats |e - a| &lt;= atol + rtol * |e| (looser for 16-bit floats); NaN equals NaN.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType.PythonName()}, expected {expected.DType.PythonName()}");
        Assert.True(expected.SizesArray().SequenceEqual(actual.SizesArray()),
            $"{what}: shape [{string.Join(", ", actual.SizesArray())}], expected [{string.Join(", ", expected.SizesArray())}]");
        var e = expected.Contiguous().ToDoubleArray();
        var a = actual.Contiguous().ToDoubleArray();
        var (rtol, atol) = expected.DType switch
        {
            DType.Float32 => (1e-4, 1e-5),
            DType.Float64 => (1e-9, 1e-12),
            DType.Float16 or DType.BFloat16 => (2e-2, 2e-2),
            _ => (0.0, 0.0),
        };
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]);
            Assert.True(ok, $"{what}: element {i}: expected {e[i]}, got {a[i]}");
        }
    }
}

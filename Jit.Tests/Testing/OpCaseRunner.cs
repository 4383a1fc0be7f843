using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Runtime.Host;
using Xunit;

namespace Jit.Tests.Testing;

/// <summary>
/// Runs one PyTorch-computed op case through the kernel the CPU backend (or the host table) has
/// for it and compares every output; the one loop every fixture-case theory shares.
/// </summary>
public static class OpCaseRunner
{
    private static readonly Lazy<KernelTable> CpuKernels = new(() => new CpuBackend(Device.Cpu).Kernels);

    /// <summary>Theory rows (index, description) for a case family.</summary>
    public static IEnumerable<object[]> Rows(Lazy<IReadOnlyList<OpCase>> cases) =>
        Enumerable.Range(0, cases.Value.Count).Select(i => new object[] { i, cases.Value[i].ToString() });

    /// <summary>Runs <paramref name="c"/>; <paramref name="tolerance"/> gives (rtol, atol) per expected output.</summary>
    public static void Run(OpCase c, string description, Func<IValue, (double Rtol, double Atol)>? tolerance = null)
    {
        Assert.True(CpuKernels.Value.TryGet(c.Op, out var kernel) || HostKernels.Table.TryGet(c.Op, out kernel), $"no kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            var (rtol, atol) = tolerance?.Invoke(c.Outputs[i]) ?? (1e-4, 1e-5);
            ValueAssert.Close(c.Outputs[i], outputs[i], rtol, atol, $"{description} output {i}");
        }
        // In-place variants (add_, __iand__) write into self and return it.
        string baseName = c.Op.Split("::")[1].Split('.')[0];
        if ((baseName.EndsWith('_') && !baseName.StartsWith("__", StringComparison.Ordinal)) || baseName.StartsWith("__i", StringComparison.Ordinal))
            Assert.Same(c.Inputs[0].AsTensor, outputs[0].AsTensor);
    }
}

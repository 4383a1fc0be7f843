namespace Jit.Runtime.Host;

/// <summary>
/// Kernels for ops that run on the host whatever the device: arithmetic and comparisons on
/// Python numbers, list/str/dict operations, conversions between tensors and numbers.
/// </summary>
public static class HostKernels
{
    private static readonly Lazy<KernelTable> Shared = new(() =>
    {
        var t = new KernelTable();
        ScalarKernels.Register(t);
        ScalarMathKernels.Register(t);
        ListKernels.Register(t);
        ListMoreKernels.Register(t);
        StringKernels.Register(t);
        StringSearchKernels.Register(t);
        DictKernels.Register(t);
        ConversionKernels.Register(t);
        return t;
    });

    public static KernelTable Table => Shared.Value;
}

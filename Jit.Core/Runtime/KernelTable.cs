using Jit.Errors;

namespace Jit.Runtime;

/// <summary>
/// Kernels by op overload name, as PyTorch spells it: <c>aten::add.Tensor</c>, or <c>aten::relu</c>
/// for an op's unnamed overload. Each backend fills one; host (scalar, list) ops fill another.
/// </summary>
public sealed class KernelTable
{
    private readonly Dictionary<string, OpKernel> _kernels = new(StringComparer.Ordinal);

    public void Add(string overloadName, OpKernel kernel)
    {
        if (!_kernels.TryAdd(overloadName, kernel))
            throw new JitException($"kernel for '{overloadName}' is registered twice");
    }

    public bool TryGet(string overloadName, out OpKernel kernel) => _kernels.TryGetValue(overloadName, out kernel!);

    public bool Contains(string overloadName) => _kernels.ContainsKey(overloadName);

    public IEnumerable<string> Names => _kernels.Keys;

    public int Count => _kernels.Count;
}

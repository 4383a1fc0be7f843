using Jit.Errors;

namespace Jit.Runtime;

/// <summary>
/// Kernels by op overload name, as PyTorch spells it: <c>aten::add.Tensor</c>, or <c>aten::relu</c>
/// for an op's unnamed overload. Each backend fills one; host (scalar, list) ops fill another.
/// </summary>
public sealed class KernelTable
{
    private readonly Dictionary<string, OpKernel> _kernels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OutKernel> _outKernels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KernelPrecondition> _preconditions = new(StringComparer.Ordinal);

    public void Add(string overloadName, OpKernel kernel)
    {
        if (!_kernels.TryAdd(overloadName, kernel))
            throw new JitException($"kernel for '{overloadName}' is registered twice");
    }

    public bool TryGet(string overloadName, out OpKernel kernel) => _kernels.TryGetValue(overloadName, out kernel!);

    public bool Contains(string overloadName) => _kernels.ContainsKey(overloadName);

    public IEnumerable<string> Names => _kernels.Keys;

    /// <summary>
    /// Registers the out-variant of an overload that already has a kernel (the static runtime falls
    /// back to that kernel wherever it cannot plan the output).
    /// </summary>
    public void AddOut(string overloadName, OutKernel kernel)
    {
        if (!_kernels.ContainsKey(overloadName))
            throw new JitException($"out-variant for '{overloadName}' registered before its kernel");
        if (!_outKernels.TryAdd(overloadName, kernel))
            throw new JitException($"out-variant for '{overloadName}' is registered twice");
    }

    public bool TryGetOut(string overloadName, out OutKernel kernel) => _outKernels.TryGetValue(overloadName, out kernel!);

    /// <summary>Overloads that have an out-variant.</summary>
    public IEnumerable<string> OutNames => _outKernels.Keys;

    public int Count => _kernels.Count;

    /// <summary>Says which arguments the kernel of <paramref name="overloadName"/> (already added) runs; see <see cref="KernelPrecondition"/>.</summary>
    public void SetPrecondition(string overloadName, KernelPrecondition precondition)
    {
        if (!_kernels.ContainsKey(overloadName))
            throw new JitException($"precondition for '{overloadName}' set before its kernel");
        _preconditions[overloadName] = precondition;
    }

    /// <summary>Null when the kernel runs <paramref name="arguments"/> (or states no precondition), else why not.</summary>
    public string? WhyNot(string overloadName, ReadOnlySpan<IValue> arguments) =>
        _preconditions.TryGetValue(overloadName, out var check) ? check(arguments) : null;

    /// <summary>Whether the kernel of <paramref name="overloadName"/> states a precondition.</summary>
    public bool HasPrecondition(string overloadName) => _preconditions.ContainsKey(overloadName);
}

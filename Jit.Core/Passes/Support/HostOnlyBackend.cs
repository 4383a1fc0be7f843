using Jit.Runtime;

namespace Jit.Passes.Support;

/// <summary>
/// A backend with no tensor kernels, for passes that evaluate nodes at compile time without one:
/// the interpreter then has only the host kernels (numbers, strings, lists).
/// </summary>
internal sealed class HostOnlyBackend : IBackend
{
    public static readonly HostOnlyBackend Instance = new();

    public Device Device => Device.Cpu;
    public KernelTable Kernels { get; } = new();
    public void Dispose() { }
}

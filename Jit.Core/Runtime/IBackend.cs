using Jit.Runtime.Devices;

namespace Jit.Runtime;

/// <summary>
/// A device backend: owns the device side (memory, compile, launch) and the kernels it implements.
/// Created through <see cref="BackendRegistry"/>; disposed by whoever opened it. A host backend
/// (the CPU) computes on host tensors directly and has no allocator; a device backend's kernels
/// take and give tensors in its own memory, and enqueue their work on its queue.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>The device this backend actually runs on (never a silent substitute).</summary>
    Device Device { get; }

    /// <summary>Tensor-op kernels this backend implements, by overload name.</summary>
    KernelTable Kernels { get; }

    /// <summary>
    /// Compiles fusion groups into kernels; null (the default) when the backend has no
    /// tensor-expression code generator: fusion groups then run through the interpreter
    /// (<see cref="InterpretedFusedKernel"/>), and <c>jit run</c> does not fuse by default.
    /// </summary>
    IFusedKernelCompiler? FusedKernelCompiler => null;

    /// <summary>Device memory; null for a host backend, whose tensors live in managed memory.</summary>
    IDeviceAllocator? Allocator => null;

    /// <summary>True when this backend's kernels compute on host tensors (no allocator, no queue).</summary>
    bool IsHost => Allocator is null;

    /// <summary>
    /// The queue this backend's kernels enqueue on (in order; work is asynchronous until a
    /// download or <see cref="IDeviceQueue.Synchronize"/>); null for a host backend.
    /// </summary>
    IDeviceQueue? Queue => null;

    /// <summary>
    /// A new queue of this backend for one static runtime (disposed by it), so that concurrent
    /// runtimes overlap on the device and each can record its own launches; null (the default)
    /// when the backend has only <see cref="Queue"/>.
    /// </summary>
    IDeviceQueue? CreateQueue() => null;

    /// <summary>Fuse every lowerable op, single ones too: on a device an unfused op needs a kernel of its own anyway.</summary>
    int MinFusionGroupSize => 4;

    /// <summary>A smaller group is still compiled when an output has at least this many elements (<see cref="Jit.Passes.TensorExprFuserOptions.MinGroupElements"/>).</summary>
    long MinFusionGroupElements => long.MaxValue;
}

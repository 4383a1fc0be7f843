using Jit.Runtime.Devices;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// The device copies of a graph's tensor constants (its frozen weights): uploaded once per
/// compiled module and shared by all its plans and runtimes, released on <see cref="Dispose"/>.
/// Constant folding ran on the host, so the graph itself holds only host tensors.
/// </summary>
public sealed class DeviceConstants(IDeviceAllocator allocator) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Tensor, Tensor> _uploaded = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    public IDeviceAllocator Allocator { get; } = allocator;

    /// <summary>Bytes of device memory held for constants.</summary>
    public long Bytes
    {
        get { lock (_gate) return _uploaded.Values.Sum(t => t.Storage.ByteLength); }
    }

    /// <summary>The value with its host tensors replaced by their device copies (uploaded on first use).</summary>
    public IValue Upload(IValue value) => DeviceTransfer.MapTensors(value, t => t.IsHost ? Upload(t) : t);

    private Tensor Upload(Tensor host)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_uploaded.TryGetValue(host, out var device)) _uploaded[host] = device = host.ToDevice(Allocator);
            return device;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var t in _uploaded.Values) t.Storage.Buffer?.Dispose();
            _uploaded.Clear();
        }
    }
}

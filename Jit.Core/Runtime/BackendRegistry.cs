using Jit.Errors;

namespace Jit.Runtime;

/// <summary>What to do when the device asked for cannot be opened.</summary>
public enum FallbackPolicy
{
    /// <summary>Throw <see cref="DeviceUnavailableException"/> (the default: never a silent fallback).</summary>
    None,
    /// <summary>Open the CPU instead; the returned backend's <see cref="IBackend.Device"/> says so.</summary>
    AllowCpu,
}

/// <summary>
/// Backends register here explicitly (<c>registry.AddCpu()</c>); a device string picks one.
/// A factory throws <see cref="DeviceUnavailableException"/> naming the missing library or driver.
/// </summary>
public sealed class BackendRegistry
{
    private readonly Dictionary<DeviceKind, Func<Device, IBackend>> _factories = [];

    public void Register(DeviceKind kind, Func<Device, IBackend> factory)
    {
        if (!_factories.TryAdd(kind, factory))
            throw new JitException($"a backend for '{Device.KindName(kind)}' is already registered");
    }

    public bool IsRegistered(DeviceKind kind) => _factories.ContainsKey(kind);

    public IEnumerable<DeviceKind> RegisteredKinds => _factories.Keys;

    public IBackend Open(string device, FallbackPolicy policy = FallbackPolicy.None) => Open(Device.Parse(device), policy);

    public IBackend Open(Device device, FallbackPolicy policy = FallbackPolicy.None)
    {
        try
        {
            if (!_factories.TryGetValue(device.Kind, out var factory))
                throw new DeviceUnavailableException(device.ToString(),
                    $"no backend for '{Device.KindName(device.Kind)}' is built into this application " +
                    $"(registered: {string.Join(", ", _factories.Keys.Select(Device.KindName))})");
            return factory(device);
        }
        catch (DeviceUnavailableException) when (policy == FallbackPolicy.AllowCpu && device.Kind != DeviceKind.Cpu
                                                 && _factories.ContainsKey(DeviceKind.Cpu))
        {
            return _factories[DeviceKind.Cpu](Device.Cpu);
        }
    }
}

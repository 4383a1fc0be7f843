using Jit.Runtime;

namespace Jit.Backends.Cpu;

/// <summary>Explicit registration: <c>registry.AddCpu()</c>.</summary>
public static class CpuBackendRegistration
{
    public static BackendRegistry AddCpu(this BackendRegistry registry)
    {
        registry.Register(DeviceKind.Cpu, d => new CpuBackend(d));
        return registry;
    }
}

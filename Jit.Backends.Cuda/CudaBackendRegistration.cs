using Jit.Runtime;

namespace Jit.Backends.Cuda;

/// <summary>Explicit registration: <c>registry.AddCuda()</c> makes <c>cuda[:N]</c> openable.</summary>
public static class CudaBackendRegistration
{
    public static BackendRegistry AddCuda(this BackendRegistry registry, CudaBackendOptions? options = null)
    {
        registry.Register(DeviceKind.Cuda, d => new CudaBackend(d, options));
        return registry;
    }
}

using Jit.Runtime;

namespace Jit.Backends.OpenCL;

/// <summary>Explicit registration: <c>registry.AddOpenCL()</c> makes <c>opencl[:N]</c> openable.</summary>
public static class OpenCLBackendRegistration
{
    public static BackendRegistry AddOpenCL(this BackendRegistry registry, OpenCLBackendOptions? options = null)
    {
        registry.Register(DeviceKind.OpenCL, d => new OpenCLBackend(d, options));
        return registry;
    }
}

namespace Jit.Backends.OpenCL;

/// <summary>
/// One OpenCL device as enumerated by <see cref="OpenCLDevices.Enumerate"/>: <see cref="Index"/> is
/// its number in <c>opencl:N</c> (devices of every platform, platforms in the loader's order).
/// </summary>
public sealed record OpenCLDeviceInfo(
    int Index,
    nint PlatformId,
    nint DeviceId,
    string Name,
    string PlatformName,
    string PlatformVersion,
    string DriverVersion,
    bool IsGpu,
    int ComputeUnits,
    long GlobalMemoryBytes,
    long MaxAllocationBytes,
    long MaxWorkGroupSize)
{
    public override string ToString() => $"opencl:{Index} {Name} ({PlatformName}, {PlatformVersion}, driver {DriverVersion}{(IsGpu ? ", GPU" : "")})";
}

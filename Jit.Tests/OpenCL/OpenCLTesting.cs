using Jit.Backends.OpenCL;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Tests.OpenCL;

/// <summary>Helpers for the OpenCL tests: a backend with no disk cache, host tensors with known values.</summary>
internal static class OpenCLTesting
{
    public static OpenCLBackend Open(string? cacheDirectory = null) =>
        new(new Device(DeviceKind.OpenCL), new OpenCLBackendOptions { DiskCache = cacheDirectory is not null, CacheDirectory = cacheDirectory });

    /// <summary>A contiguous float tensor [<paramref name="sizes"/>] holding seed, seed + 0.5, ….</summary>
    public static Tensor Iota(float seed, params long[] sizes) => Testing.DeviceTesting.Iota(seed, sizes);

    /// <summary>The elements of a float tensor of any strides, in row-major order.</summary>
    public static float[] Elements(Tensor t) => Testing.DeviceTesting.Elements(t);
}

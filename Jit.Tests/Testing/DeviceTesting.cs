using Jit.Tensors;

namespace Jit.Tests.Testing;

/// <summary>Tensors with known values for the device tests, and their elements read back from any device.</summary>
internal static class DeviceTesting
{
    /// <summary>A contiguous float tensor [<paramref name="sizes"/>] holding seed, seed + 0.5, ….</summary>
    public static Tensor Iota(float seed, params long[] sizes)
    {
        long n = sizes.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (long i = 0; i < n; i++) data[i] = seed + 0.5f * i;
        return Tensor.FromArray(data, sizes);
    }

    /// <summary>The elements of a float tensor of any strides, on the host or a device, in row-major order.</summary>
    public static float[] Elements(Tensor t)
    {
        var host = t.ToHost();
        var storage = host.StorageSpan<float>();
        var result = new float[host.NumElements];
        var index = new long[host.Rank];
        for (long i = 0; i < result.Length; i++)
        {
            long off = host.StorageOffset;
            for (int d = 0; d < host.Rank; d++) off += index[d] * host.Strides[d];
            result[i] = storage[(int)off];
            for (int d = host.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < host.Sizes[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }
}

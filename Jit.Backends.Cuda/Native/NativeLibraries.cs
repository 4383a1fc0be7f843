using System.Reflection;
using System.Runtime.InteropServices;

namespace Jit.Backends.Cuda.Native;

/// <summary>
/// Maps the library names ILGPU and our bindings ask for to the runtime sonames: ILGPU binds
/// <c>libcuda.so</c> and <c>libOpenCL.so</c>, which exist only with the dev packages, while the
/// driver installs <c>libcuda.so.1</c>; cuBLAS 12 installs <c>libcublas.so.12</c>.
/// </summary>
internal static class NativeLibraries
{
    public const string Driver = "libcuda.so.1";
    public const string Cublas = "libcublas.so.12";
    private static int _installed;

    /// <summary>Installs the resolver on ILGPU, ILGPU.Algorithms and this assembly (once per process).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) != 0) return;
        foreach (var assembly in new[] { typeof(ILGPU.Context).Assembly, typeof(ILGPU.Runtime.Cuda.CuBlas).Assembly, typeof(NativeLibraries).Assembly })
        {
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Someone else set a resolver on that assembly first: theirs stands.
            }
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string? soname = name.Contains("cublas", StringComparison.OrdinalIgnoreCase) ? Cublas
            : name.Contains("cuda", StringComparison.OrdinalIgnoreCase) ? Driver
            : name.Contains("OpenCL", StringComparison.OrdinalIgnoreCase) ? "libOpenCL.so.1"
            : null;
        return soname is not null && NativeLibrary.TryLoad(soname, assembly, path, out var handle) ? handle : 0;
    }

    /// <summary>True when <paramref name="soname"/> loads on this machine.</summary>
    public static bool CanLoad(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}

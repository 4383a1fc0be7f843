using System.Runtime.InteropServices;
using Jit.Errors;

namespace Jit.Backends.Cuda.Native;

/// <summary>
/// The CUDA driver functions we call ourselves (ILGPU wraps the rest): stream capture into a graph
/// and its replay, pinned host memory and asynchronous uploads from it. Every CUresult goes through <see cref="Check"/>. Written against the CUDA driver
/// API reference; unchecked on hardware (no GPU where this was built).
/// </summary>
internal static partial class CudaDriverApi
{
    private const string Lib = NativeLibraries.Driver;

    /// <summary>
    /// CU_STREAM_CAPTURE_MODE_RELAXED: the capturing thread may still call cuMemAlloc (kernel
    /// temporaries are allocated while a plan is recorded), which the stricter modes prohibit.
    /// </summary>
    public const int CaptureModeRelaxed = 2;

    [LibraryImport(Lib, EntryPoint = "cuStreamBeginCapture_v2")]
    public static partial int StreamBeginCapture(nint stream, int mode);

    [LibraryImport(Lib, EntryPoint = "cuStreamEndCapture")]
    public static partial int StreamEndCapture(nint stream, out nint graph);

    [LibraryImport(Lib, EntryPoint = "cuGraphInstantiateWithFlags")]
    public static partial int GraphInstantiateWithFlags(out nint exec, nint graph, ulong flags);

    [LibraryImport(Lib, EntryPoint = "cuGraphLaunch")]
    public static partial int GraphLaunch(nint exec, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuGraphExecDestroy")]
    public static partial int GraphExecDestroy(nint exec);

    [LibraryImport(Lib, EntryPoint = "cuGraphDestroy")]
    public static partial int GraphDestroy(nint graph);

    [LibraryImport(Lib, EntryPoint = "cuMemHostAlloc")]
    public static partial int MemHostAlloc(out nint pointer, nuint bytes, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuMemFreeHost")]
    public static partial int MemFreeHost(nint pointer);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoDAsync_v2")]
    public static partial int MemcpyHtoDAsync(ulong destination, nint source, nuint bytes, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorName")]
    private static partial int GetErrorName(int error, out nint name);

    /// <summary>Throws <see cref="JitDeviceException"/> naming <paramref name="call"/> and the error when <paramref name="result"/> is not CUDA_SUCCESS.</summary>
    public static void Check(int result, string call, string device)
    {
        if (result == 0) return;
        string name = $"CUresult {result}";
        try
        {
            if (GetErrorName(result, out var p) == 0 && p != 0) name = Marshal.PtrToStringAnsi(p) ?? name;
        }
        catch (DllNotFoundException)
        {
        }
        throw new JitDeviceException(device, $"{call} failed: {name}", result, name);
    }
}

using System.Runtime.CompilerServices;
using Jit.Errors;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL.Native;

/// <summary>
/// The one place the OpenCL library is loaded (<c>libOpenCL.so.1</c>, the ICD loader's runtime
/// name: Silk.NET tries it before the development link <c>libOpenCL.so</c>) and native statuses
/// are turned into exceptions carrying the error's name.
/// </summary>
internal static class OpenCLApi
{
    public const string LibraryName = "libOpenCL.so.1";

    private static readonly Lazy<(CL? Api, string? Error)> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded API; <see cref="DeviceUnavailableException"/> naming the library when it cannot be loaded.</summary>
    public static CL Get(string device)
    {
        var (api, error) = Loaded.Value;
        return api ?? throw new DeviceUnavailableException(device, error!);
    }

    /// <summary>The loaded API or null, with the reason, without throwing.</summary>
    public static CL? TryGet(out string? error)
    {
        (var api, error) = Loaded.Value;
        return api;
    }

    private static (CL?, string?) Load()
    {
        try
        {
            return (CL.GetApi(), null);
        }
        catch (Exception e)
        {
            return (null, LoadFailure(e));
        }
    }

    /// <summary>Why the library could not be loaded, in one line naming it and saying how to install it.</summary>
    internal static string LoadFailure(Exception e) =>
        $"the OpenCL library {LibraryName} could not be loaded ({e.GetType().Name}: {FirstLine(e.Message)}); " +
        "install an ICD loader and a driver (Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd)";

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl].TrimEnd();
    }

    /// <summary>Throws <see cref="JitDeviceException"/> naming <paramref name="what"/> and the error unless <paramref name="status"/> is CL_SUCCESS.</summary>
    public static void Check(int status, string what, string device)
    {
        if (status != OpenCLErrors.Success) throw Error(status, what, device);
    }

    /// <summary>
    /// As <see cref="Check(int, string, string)"/> with an interpolated <paramref name="what"/>
    /// that is formatted only on failure: hot paths (launches, copies) allocate nothing.
    /// </summary>
    public static void Check(int status, [InterpolatedStringHandlerArgument(nameof(status))] ref FormattedOnFailure what, string device)
    {
        if (status != OpenCLErrors.Success) throw Error(status, what.ToStringAndClear(), device);
    }

    public static JitDeviceException Error(int status, string what, string device) =>
        new(device, $"{what} failed", status, OpenCLErrors.Name(status));

    /// <summary>An interpolated string built only when the status it is given is an error.</summary>
    [InterpolatedStringHandler]
    public ref struct FormattedOnFailure
    {
        private DefaultInterpolatedStringHandler _text;

        public FormattedOnFailure(int literalLength, int formattedCount, int status, out bool failed)
        {
            failed = status != OpenCLErrors.Success;
            _text = failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string s) => _text.AppendLiteral(s);
        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
        public string ToStringAndClear() => _text.ToStringAndClear();
    }
}

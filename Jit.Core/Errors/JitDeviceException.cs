namespace Jit.Errors;

/// <summary>
/// A device backend failed: a native call returned an error (<see cref="NativeCode"/> and its name
/// <see cref="NativeName"/>), a kernel did not build, or device memory ran out.
/// </summary>
public class JitDeviceException : JitException
{
    public string Device { get; }
    public long NativeCode { get; }
    public string? NativeName { get; }

    public JitDeviceException(string device, string message, long nativeCode = 0, string? nativeName = null, Exception? inner = null)
        : base($"{device}: {message}{(nativeName is null ? "" : $" ({nativeName}, {nativeCode})")}", inner)
    {
        Device = device;
        NativeCode = nativeCode;
        NativeName = nativeName;
    }
}

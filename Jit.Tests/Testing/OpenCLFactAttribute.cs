using Jit.Backends.OpenCL;
using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A fact that needs an OpenCL device; it is skipped, saying why, where none can be opened.</summary>
public sealed class OpenCLFactAttribute : FactAttribute
{
    /// <summary>Why OpenCL tests skip on this machine; null where a device opens.</summary>
    public static string? SkipReason => Reason.Value;

    private static readonly Lazy<string?> Reason = new(() =>
        OpenCLDevices.IsAvailable(out var reason) ? null : $"no OpenCL device: {reason}");

    public OpenCLFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

using Jit.Backends.OpenCL;
using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A theory that needs an OpenCL device; it is skipped, saying why, where none can be opened.</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
        OpenCLDevices.IsAvailable(out var reason) ? null : $"no OpenCL device: {reason}");

    public OpenCLTheoryAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

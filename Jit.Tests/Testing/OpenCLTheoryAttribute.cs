using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A theory that needs an OpenCL device; it is skipped, saying why (<see cref="OpenCLFactAttribute.SkipReason"/>), where none can be opened.</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    public OpenCLTheoryAttribute()
    {
        if (OpenCLFactAttribute.SkipReason is { } reason) Skip = reason;
    }
}

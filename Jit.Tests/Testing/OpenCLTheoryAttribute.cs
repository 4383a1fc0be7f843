using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A theory that needs an OpenCL device; it is skipped, saying why (<see cref="OpenCLFactAttribute.SkipReason"/>), where none can be opened.</summary>
public sealed class OpenCLTheoryAttribute : TheoryAttribute
{
    public OpenCLTheoryAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (OpenCLFactAttribute.SkipReason is { } reason) Skip = reason;
    }
}

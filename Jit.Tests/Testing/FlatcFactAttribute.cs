using Xunit;
namespace Jit.Tests.Testing;

/// <summary>A fact that needs flatc; it is skipped, saying how to install it, where flatc is absent.</summary>
public sealed class FlatcFactAttribute : FactAttribute
{
    public FlatcFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (ExternalTools.Flatc is null)
            Skip = "flatc is not installed (Debian: apt-get install -y flatbuffers-compiler)";
    }
}

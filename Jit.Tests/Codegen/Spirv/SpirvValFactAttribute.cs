using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>A fact that needs spirv-val; it is skipped, saying how to install it, where spirv-val is absent.</summary>
public sealed class SpirvValFactAttribute : FactAttribute
{
    public SpirvValFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (ExternalTools.SpirvVal is null)
            Skip = "spirv-val is not installed (Debian: apt-get install -y spirv-tools)";
    }
}

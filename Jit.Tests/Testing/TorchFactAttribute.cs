using Xunit;
namespace Jit.Tests.Testing;

/// <summary>A fact that needs PyTorch; it is skipped, saying why, where no python3 can import torch.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (ExternalTools.TorchPython is null)
            Skip = "no python3 with torch found (Debian: apt-get install -y python3-torch, which installs /usr/bin/python3's torch)";
    }
}

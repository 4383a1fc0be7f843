using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>A fact that needs clang with OpenCL C support; skipped, saying how to install it, where clang-14 is absent.</summary>
public sealed class ClangOpenCLFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_clang = new(Find);

    /// <summary>The clang that checks OpenCL C (clang-14 on Debian), or null.</summary>
    public static string? Clang => s_clang.Value;

    public ClangOpenCLFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Clang is null) Skip = "clang-14 is not installed (Debian: apt-get install -y clang-14), so rendered OpenCL C is not compiled";
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, "clang-14");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

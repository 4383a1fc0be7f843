using Jit.Codegen.Spirv;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>Runs spirv-val (Vulkan 1.1 rules) over emitted modules, several at a time.</summary>
public static class SpirvValidator
{
    /// <summary>Fails listing every module spirv-val rejects, with its message and the start of its listing.</summary>
    public static void AssertValid(IReadOnlyList<(string Label, SpirvProgram Program)> modules)
    {
        var dir = Directory.CreateTempSubdirectory("jit-spirv-");
        try
        {
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, modules.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
            {
                var (label, program) = modules[i];
                var path = Path.Combine(dir.FullName, $"{i:D4}.spv");
                File.WriteAllBytes(path, program.ToBytes());
                var (code, stdout, stderr) = ExternalTools.Run(ExternalTools.SpirvVal!, ["--target-env", "vulkan1.1", path], TimeSpan.FromMinutes(1));
                if (code != 0) failures.Add($"{label}: {stderr}{stdout}");
            });
            Assert.True(failures.IsEmpty, $"spirv-val rejected {failures.Count} of {modules.Count} modules:\n{Truncate(string.Join("\n", failures))}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>spirv-val's complaint about one module, or null when it is valid.</summary>
    public static string? Problem(SpirvProgram program)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jit-spirv-{Guid.NewGuid():N}.spv");
        try
        {
            File.WriteAllBytes(path, program.ToBytes());
            var (code, stdout, stderr) = ExternalTools.Run(ExternalTools.SpirvVal!, ["--target-env", "vulkan1.1", path], TimeSpan.FromMinutes(1));
            return code == 0 ? null : stderr + stdout;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Truncate(string s) => s.Length <= 8000 ? s : s[..8000] + "\n...";
}

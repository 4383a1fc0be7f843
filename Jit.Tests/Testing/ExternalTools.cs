using System.Diagnostics;

namespace Jit.Tests.Testing;

/// <summary>
/// Finds the external programs some tests compare against (flatc, spirv-val, and PyTorch in /usr/bin/python3),
/// once per test run, so those tests can skip with a reason where they are absent.
/// </summary>
public static class ExternalTools
{
    private static readonly Lazy<string?> s_flatc = new(() => FindOnPath("flatc"));
    private static readonly Lazy<string?> s_torchPython = new(FindTorchPython);
    private static readonly Lazy<string?> s_spirvVal = new(() => FindOnPath("spirv-val"));

    public static string? Flatc => s_flatc.Value;

    /// <summary>The SPIR-V validator of SPIRV-Tools (Debian's spirv-tools).</summary>
    public static string? SpirvVal => s_spirvVal.Value;

    /// <summary>A Python interpreter that can import torch (Debian's python3-torch lives in /usr/bin/python3).</summary>
    public static string? TorchPython => s_torchPython.Value;

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? FindTorchPython()
    {
        foreach (var python in new[] { "/usr/bin/python3", FindOnPath("python3") })
        {
            if (python is null || !File.Exists(python)) continue;
            var (code, _, _) = Run(python, ["-c", "import torch"], TimeSpan.FromSeconds(60));
            if (code == 0) return python;
        }
        return null;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string exe, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, stdout.Result, "timed out: " + stderr.Result);
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

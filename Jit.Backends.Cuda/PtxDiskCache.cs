using System.Security.Cryptography;
using System.Text;

namespace Jit.Backends.Cuda;

/// <summary>
/// PTX kept on disk by a key over everything that shapes it (the scheduled kernel's text, the entry,
/// the architecture, ILGPU's version), so a second process skips ILGPU's code generation: the file
/// holds the static shared-memory size ILGPU's launcher needs, then the PTX. Writes go through a
/// temporary file and a rename, so a reader never sees half a file; an unreadable file is a miss.
/// </summary>
internal sealed class PtxDiskCache(string directory)
{
    public string Directory { get; } = directory;

    /// <summary><c>$JIT_CACHE_DIR/cuda</c>, else <c>~/.cache/jit-dotnet/cuda</c>.</summary>
    public static string DefaultDirectory()
    {
        var root = Environment.GetEnvironmentVariable("JIT_CACHE_DIR");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "jit-dotnet");
        return Path.Combine(root, "cuda");
    }

    public static string Key(string kernelText, string entry, string architecture)
    {
        string ilgpu = typeof(ILGPU.Context).Assembly.GetName().Version?.ToString() ?? "?";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{ilgpu}\n{architecture}\n{entry}\n{kernelText}"));
        return Convert.ToHexString(bytes)[..32].ToLowerInvariant();
    }

    public bool TryLoad(string key, out int sharedBytes, out string ptx)
    {
        sharedBytes = 0;
        ptx = "";
        try
        {
            var text = File.ReadAllText(Path.Combine(Directory, key + ".ptx"));
            int newline = text.IndexOf('\n');
            if (newline < 0 || !text.StartsWith("// shared ", StringComparison.Ordinal) || !int.TryParse(text.AsSpan(10, newline - 10), out sharedBytes))
                return false;
            ptx = text[(newline + 1)..];
            return ptx.Length > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Save(string key, int sharedBytes, string ptx)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            string path = Path.Combine(Directory, key + ".ptx"), temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, $"// shared {sharedBytes}\n{ptx}");
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs the next process a compile.
        }
    }
}

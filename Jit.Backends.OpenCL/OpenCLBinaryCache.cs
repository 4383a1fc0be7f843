using System.Security.Cryptography;
using System.Text;

namespace Jit.Backends.OpenCL;

/// <summary>
/// Program binaries on disk, one file per (device, driver, platform, build options, source):
/// <c>{key}.clbin</c> holding a magic, the key, the length, the bytes and their SHA-256. A file
/// that does not check out is a miss (the caller rebuilds and rewrites it); writes go to a temp
/// file renamed into place, so readers never see half a file; no I/O error escapes.
/// </summary>
internal sealed class OpenCLBinaryCache(string directory)
{
    private static readonly byte[] Magic = "JITCLBN1"u8.ToArray();

    public string Directory { get; } = directory;

    /// <summary>The default directory: <c>$JIT_CACHE_DIR/opencl</c>, else <c>$XDG_CACHE_HOME/jit-dotnet/opencl</c>, else <c>~/.cache/jit-dotnet/opencl</c>.</summary>
    public static string DefaultDirectory()
    {
        string? root = Environment.GetEnvironmentVariable("JIT_CACHE_DIR");
        if (string.IsNullOrEmpty(root))
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(xdg))
                xdg = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            root = Path.Combine(xdg, "jit-dotnet");
        }
        return Path.Combine(root, "opencl");
    }

    public static byte[] Key(params string[] parts)
    {
        var text = new StringBuilder();
        foreach (var p in parts) text.Append(p.Length).Append(':').Append(p).Append('\0');
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    public string PathOf(byte[] key) => Path.Combine(Directory, Convert.ToHexStringLower(key) + ".clbin");

    /// <summary>The binary stored under <paramref name="key"/>, or null when absent, unreadable or corrupt.</summary>
    public byte[]? TryRead(byte[] key)
    {
        try
        {
            string path = PathOf(key);
            if (!File.Exists(path)) return null;
            byte[] file = File.ReadAllBytes(path);
            int head = Magic.Length + key.Length + sizeof(long);
            if (file.Length < head + 32) return null;
            var span = file.AsSpan();
            if (!span[..Magic.Length].SequenceEqual(Magic) || !span.Slice(Magic.Length, key.Length).SequenceEqual(key)) return null;
            long length = BitConverter.ToInt64(file, Magic.Length + key.Length);
            if (length <= 0 || length != file.Length - head - 32) return null;
            var binary = span.Slice(head, (int)length);
            if (!SHA256.HashData(binary).AsSpan().SequenceEqual(span[^32..])) return null;
            return binary.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="binary"/> under <paramref name="key"/>; false (and nothing thrown) when the directory cannot be written.</summary>
    public bool TryWrite(byte[] key, ReadOnlySpan<byte> binary)
    {
        string path = PathOf(key);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Magic);
                stream.Write(key);
                stream.Write(BitConverter.GetBytes((long)binary.Length));
                stream.Write(binary);
                stream.Write(SHA256.HashData(binary));
            }
            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
            return false;
        }
    }
}

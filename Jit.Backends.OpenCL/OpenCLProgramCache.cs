using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// Builds OpenCL C programs for one backend (<c>clBuildProgram</c> with <see cref="BuildOptions"/>)
/// and keeps them: in memory by the SHA-256 of the source, and on disk as program binaries keyed by
/// device name, driver version, platform version, options and source, so another process loads the
/// binary (<c>clCreateProgramWithBinary</c>) instead of compiling. A cache file that is corrupt or
/// that the driver refuses is ignored and rewritten. Thread-safe; disposing releases every program.
/// </summary>
public sealed class OpenCLProgramCache : IDisposable
{
    /// <summary>The options every program is built with.</summary>
    public const string BuildOptions = "-cl-std=CL1.2";

    private readonly OpenCLBackend _backend;
    private readonly CL _cl;
    private readonly OpenCLBinaryCache? _disk;
    private readonly ConcurrentDictionary<string, Lazy<OpenCLProgram>> _programs = new(StringComparer.Ordinal);
    private long _compiled, _loaded, _hits, _diskWrites;
    private int _disposed;

    internal OpenCLProgramCache(OpenCLBackend backend, CL cl, string? diskDirectory)
    {
        _backend = backend;
        _cl = cl;
        _disk = diskDirectory is null ? null : new OpenCLBinaryCache(diskDirectory);
    }

    /// <summary>Where binaries are kept; null when the disk cache is off.</summary>
    public string? DiskDirectory => _disk?.Directory;

    /// <summary>Programs compiled from source by this cache.</summary>
    public long CompiledFromSource => Interlocked.Read(ref _compiled);

    /// <summary>Programs loaded from a binary in the disk cache.</summary>
    public long LoadedFromDisk => Interlocked.Read(ref _loaded);

    /// <summary>Requests answered by a program already in memory.</summary>
    public long MemoryHits => Interlocked.Read(ref _hits);

    /// <summary>Binaries written to the disk cache.</summary>
    public long DiskWrites => Interlocked.Read(ref _diskWrites);

    /// <summary>
    /// The built program for <paramref name="source"/>; <paramref name="name"/> (the kernel's name)
    /// appears in errors. A build failure throws <see cref="JitDeviceException"/> with the full
    /// build log and is not cached.
    /// </summary>
    public OpenCLProgram GetOrBuild(string source, string name) => GetOrBuild(source, name, "");

    /// <summary>As <see cref="GetOrBuild(string, string)"/>, built with <paramref name="extraOptions"/> after <see cref="BuildOptions"/> (what the rendering relies on, <see cref="Codegen.GpuProgram.BuildOptions"/>).</summary>
    public OpenCLProgram GetOrBuild(string source, string name, string extraOptions)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string options = extraOptions.Length == 0 ? BuildOptions : BuildOptions + " " + extraOptions;
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options + "\n" + source)));
        if (_programs.TryGetValue(key, out var found) && found.IsValueCreated)
        {
            Interlocked.Increment(ref _hits);
            return found.Value;
        }
        var lazy = _programs.GetOrAdd(key, _ => new Lazy<OpenCLProgram>(() => Build(source, name, options), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _programs.TryRemove(new KeyValuePair<string, Lazy<OpenCLProgram>>(key, lazy));
            throw;
        }
    }

    private OpenCLProgram Build(string source, string name, string options)
    {
        var info = _backend.Info;
        byte[]? diskKey = _disk is null ? null : OpenCLBinaryCache.Key(info.Name, info.DriverVersion, info.PlatformVersion, options, source);
        if (diskKey is not null && _disk!.TryRead(diskKey) is { } binary && TryLoadBinary(binary, name, options) is { } loaded)
        {
            Interlocked.Increment(ref _loaded);
            return loaded;
        }
        var program = Compile(source, name, options);
        Interlocked.Increment(ref _compiled);
        if (diskKey is not null && TryGetBinary(program.Handle) is { } built && _disk!.TryWrite(diskKey, built))
            Interlocked.Increment(ref _diskWrites);
        return program;
    }

    private unsafe OpenCLProgram Compile(string source, string name, string options)
    {
        string device = _backend.Device.ToString();
        byte[] text = Encoding.UTF8.GetBytes(source);
        int status;
        nint program;
        fixed (byte* p = text)
        {
            byte* strings = p;
            nuint length = (nuint)text.Length;
            program = _cl.CreateProgramWithSource(_backend.Context, 1, &strings, &length, &status);
        }
        OpenCLApi.Check(status, $"kernel {name}: clCreateProgramWithSource", device);
        nint deviceId = _backend.Info.DeviceId;
        status = _cl.BuildProgram(program, 1, &deviceId, options, null, null);
        if (status != OpenCLErrors.Success)
        {
            string log = BuildLog(program);
            _cl.ReleaseProgram(program);
            throw new JitDeviceException(device,
                $"building the OpenCL program of kernel {name} failed; build log:\n{log}", status, OpenCLErrors.Name(status));
        }
        return new OpenCLProgram(_backend, _cl, program, name, loadedFromDisk: false);
    }

    private unsafe OpenCLProgram? TryLoadBinary(byte[] binary, string name, string options)
    {
        nint deviceId = _backend.Info.DeviceId;
        int status, binaryStatus;
        nint program;
        fixed (byte* b = binary)
        {
            byte* bp = b;
            nuint length = (nuint)binary.Length;
            program = _cl.CreateProgramWithBinary(_backend.Context, 1, &deviceId, &length, &bp, &binaryStatus, &status);
        }
        if (status != OpenCLErrors.Success || binaryStatus != OpenCLErrors.Success)
        {
            if (program != 0) _cl.ReleaseProgram(program);
            return null;
        }
        if (_cl.BuildProgram(program, 1, &deviceId, options, null, null) != OpenCLErrors.Success)
        {
            _cl.ReleaseProgram(program);
            return null;
        }
        return new OpenCLProgram(_backend, _cl, program, name, loadedFromDisk: true);
    }

    private unsafe byte[]? TryGetBinary(nint program)
    {
        nuint size = 0;
        if (_cl.GetProgramInfo(program, ProgramInfo.BinarySizes, (nuint)sizeof(nuint), &size, null) != OpenCLErrors.Success || size == 0)
            return null;
        var binary = new byte[(int)size];
        fixed (byte* b = binary)
        {
            byte* bp = b;
            if (_cl.GetProgramInfo(program, ProgramInfo.Binaries, (nuint)sizeof(nint), &bp, null) != OpenCLErrors.Success) return null;
        }
        return binary;
    }

    private unsafe string BuildLog(nint program)
    {
        nint deviceId = _backend.Info.DeviceId;
        nuint size = 0;
        if (_cl.GetProgramBuildInfo(program, deviceId, ProgramBuildInfo.BuildLog, 0, null, &size) != OpenCLErrors.Success || size == 0)
            return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            if (_cl.GetProgramBuildInfo(program, deviceId, ProgramBuildInfo.BuildLog, size, b, null) != OpenCLErrors.Success)
                return "(the build log could not be read)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').TrimEnd();
    }

    /// <summary>Releases every program built here; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var lazy in _programs.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        _programs.Clear();
    }
}

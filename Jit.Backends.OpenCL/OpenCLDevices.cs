using System.Text;
using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>The OpenCL devices of this machine, in the stable order device strings index.</summary>
public static class OpenCLDevices
{
    /// <summary>
    /// Every device of every platform; <see cref="DeviceUnavailableException"/> saying why when the
    /// library cannot be loaded or there is no platform or no device.
    /// </summary>
    public static unsafe IReadOnlyList<OpenCLDeviceInfo> Enumerate(string device = "opencl")
    {
        var cl = OpenCLApi.Get(device);
        uint platformCount = 0;
        int status = cl.GetPlatformIDs(0, null, &platformCount);
        if (status == OpenCLErrors.PlatformNotFoundKhr || (status == OpenCLErrors.Success && platformCount == 0))
            throw new DeviceUnavailableException(device,
                $"{OpenCLApi.LibraryName} loaded but found no OpenCL platform (no ICD in /etc/OpenCL/vendors; Debian: apt-get install pocl-opencl-icd)");
        if (status != OpenCLErrors.Success)
            throw new DeviceUnavailableException(device, $"clGetPlatformIDs failed ({OpenCLErrors.Name(status)}, {status})");
        var platforms = new nint[platformCount];
        fixed (nint* p = platforms) OpenCLApi.Check(cl.GetPlatformIDs(platformCount, p, null), "clGetPlatformIDs", device);

        var result = new List<OpenCLDeviceInfo>();
        foreach (var platform in platforms)
        {
            uint deviceCount = 0;
            status = cl.GetDeviceIDs(platform, DeviceType.All, 0, null, &deviceCount);
            if (status == OpenCLErrors.DeviceNotFound || deviceCount == 0) continue;
            OpenCLApi.Check(status, "clGetDeviceIDs", device);
            var ids = new nint[deviceCount];
            fixed (nint* p = ids) OpenCLApi.Check(cl.GetDeviceIDs(platform, DeviceType.All, deviceCount, p, null), "clGetDeviceIDs", device);
            string platformName = PlatformString(cl, platform, PlatformInfo.Name, device);
            string platformVersion = PlatformString(cl, platform, PlatformInfo.Version, device);
            foreach (var id in ids)
            {
                ulong type = DeviceValue<ulong>(cl, id, DeviceInfo.Type, device);
                result.Add(new OpenCLDeviceInfo(
                    result.Count, platform, id,
                    DeviceString(cl, id, DeviceInfo.Name, device),
                    platformName, platformVersion,
                    DeviceString(cl, id, DeviceInfo.DriverVersion, device),
                    (type & (ulong)DeviceType.Gpu) != 0,
                    (int)DeviceValue<uint>(cl, id, DeviceInfo.MaxComputeUnits, device),
                    (long)DeviceValue<ulong>(cl, id, DeviceInfo.GlobalMemSize, device),
                    (long)DeviceValue<ulong>(cl, id, DeviceInfo.MaxMemAllocSize, device),
                    (long)DeviceValue<nuint>(cl, id, DeviceInfo.MaxWorkGroupSize, device)));
            }
        }
        if (result.Count == 0)
            throw new DeviceUnavailableException(device, $"{platforms.Length} OpenCL platform(s) but no device on any of them");
        return result;
    }

    /// <summary>True when at least one device can be enumerated; otherwise <paramref name="reason"/> says why not.</summary>
    public static bool IsAvailable(out string? reason)
    {
        try
        {
            Enumerate();
            reason = null;
            return true;
        }
        catch (JitException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>The device <paramref name="index"/> names (-1: the first GPU, else the first device).</summary>
    public static OpenCLDeviceInfo Select(int index, string device)
    {
        var all = Enumerate(device);
        if (index < 0) return all.FirstOrDefault(d => d.IsGpu) ?? all[0];
        if (index >= all.Count)
            throw new DeviceUnavailableException(device,
                $"there {(all.Count == 1 ? "is 1 OpenCL device" : $"are {all.Count} OpenCL devices")}: {string.Join("; ", all)}");
        return all[index];
    }

    internal static unsafe string DeviceString(CL cl, nint id, DeviceInfo info, string device)
    {
        nuint size = 0;
        OpenCLApi.Check(cl.GetDeviceInfo(id, info, 0, null, &size), $"clGetDeviceInfo({info})", device);
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) OpenCLApi.Check(cl.GetDeviceInfo(id, info, size, b, null), $"clGetDeviceInfo({info})", device);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    internal static unsafe T DeviceValue<T>(CL cl, nint id, DeviceInfo info, string device) where T : unmanaged
    {
        T value = default;
        OpenCLApi.Check(cl.GetDeviceInfo(id, info, (nuint)sizeof(T), &value, null), $"clGetDeviceInfo({info})", device);
        return value;
    }

    private static unsafe string PlatformString(CL cl, nint id, PlatformInfo info, string device)
    {
        nuint size = 0;
        OpenCLApi.Check(cl.GetPlatformInfo(id, info, 0, null, &size), $"clGetPlatformInfo({info})", device);
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) OpenCLApi.Check(cl.GetPlatformInfo(id, info, size, b, null), $"clGetPlatformInfo({info})", device);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }
}

using Jit.Errors;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan.Native;

/// <summary>
/// The one place the Vulkan loader is loaded (<c>libvulkan.so.1</c>) and results are turned into
/// exceptions carrying the <c>VkResult</c>'s name: out-of-memory results become
/// <see cref="DeviceOutOfMemoryException"/>, the rest <see cref="JitDeviceException"/>.
/// </summary>
internal static class VulkanApi
{
    public const string LibraryName = "libvulkan.so.1";

    private static readonly Lazy<(Vk? Api, string? Error)> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded API; <see cref="DeviceUnavailableException"/> naming the library when it cannot be loaded.</summary>
    public static Vk Get(string device)
    {
        var (api, error) = Loaded.Value;
        return api ?? throw new DeviceUnavailableException(device, error!);
    }

    /// <summary>The loaded API or null, with the reason, without throwing.</summary>
    public static Vk? TryGet(out string? error)
    {
        (var api, error) = Loaded.Value;
        return api;
    }

    private static (Vk?, string?) Load()
    {
        try
        {
            var vk = Vk.GetApi();
            // GetApi binds lazily: ask for one entry point so a missing loader shows here.
            uint version = 0;
            unsafe { vk.EnumerateInstanceVersion(&version); }
            return (vk, null);
        }
        catch (Exception e)
        {
            return (null, LoadFailure(e));
        }
    }

    /// <summary>Why the loader could not be loaded, in one line naming it and saying how to install it.</summary>
    internal static string LoadFailure(Exception e) =>
        $"the Vulkan loader {LibraryName} could not be loaded ({e.GetType().Name}: {FirstLine(e.Message)}); " +
        "install the loader and a driver (Debian: apt-get install libvulkan1 mesa-vulkan-drivers)";

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl].TrimEnd();
    }

    /// <summary>Throws naming <paramref name="what"/> and the result unless <paramref name="result"/> is VK_SUCCESS.</summary>
    public static void Check(Result result, string what, string device)
    {
        if (result != Result.Success) throw Error(result, what, device);
    }

    public static JitDeviceException Error(Result result, string what, string device) => result switch
    {
        Result.ErrorOutOfDeviceMemory or Result.ErrorOutOfHostMemory =>
            new JitDeviceException(device, $"{what} failed: out of {(result == Result.ErrorOutOfHostMemory ? "host" : "device")} memory", (long)result, Name(result)),
        Result.ErrorDeviceLost =>
            new JitDeviceException(device, $"{what} failed: the device was lost (a driver reset or a faulting kernel); dispose this backend and open a new one", (long)result, Name(result)),
        _ => new JitDeviceException(device, $"{what} failed", (long)result, Name(result)),
    };

    /// <summary>The C name of a result (VK_ERROR_OUT_OF_DEVICE_MEMORY).</summary>
    public static string Name(Result result) => result switch
    {
        Result.Success => "VK_SUCCESS",
        Result.NotReady => "VK_NOT_READY",
        Result.Timeout => "VK_TIMEOUT",
        Result.Incomplete => "VK_INCOMPLETE",
        Result.ErrorOutOfHostMemory => "VK_ERROR_OUT_OF_HOST_MEMORY",
        Result.ErrorOutOfDeviceMemory => "VK_ERROR_OUT_OF_DEVICE_MEMORY",
        Result.ErrorInitializationFailed => "VK_ERROR_INITIALIZATION_FAILED",
        Result.ErrorDeviceLost => "VK_ERROR_DEVICE_LOST",
        Result.ErrorMemoryMapFailed => "VK_ERROR_MEMORY_MAP_FAILED",
        Result.ErrorLayerNotPresent => "VK_ERROR_LAYER_NOT_PRESENT",
        Result.ErrorExtensionNotPresent => "VK_ERROR_EXTENSION_NOT_PRESENT",
        Result.ErrorFeatureNotPresent => "VK_ERROR_FEATURE_NOT_PRESENT",
        Result.ErrorIncompatibleDriver => "VK_ERROR_INCOMPATIBLE_DRIVER",
        Result.ErrorTooManyObjects => "VK_ERROR_TOO_MANY_OBJECTS",
        Result.ErrorFormatNotSupported => "VK_ERROR_FORMAT_NOT_SUPPORTED",
        Result.ErrorFragmentedPool => "VK_ERROR_FRAGMENTED_POOL",
        Result.ErrorOutOfPoolMemory => "VK_ERROR_OUT_OF_POOL_MEMORY",
        Result.ErrorInvalidShaderNV => "VK_ERROR_INVALID_SHADER_NV",
        _ => $"VkResult {(int)result}",
    };
}

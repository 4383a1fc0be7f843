using Jit.Backends.Vulkan.Native;
using Jit.Errors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>The Vulkan physical devices of this machine, in the loader's order (what <c>vulkan:N</c> indexes), with what each can do.</summary>
public static class VulkanDevices
{
    private static readonly Lazy<(IReadOnlyList<VulkanDeviceInfo>? Devices, string? Reason)> Probe = new(ProbeOnce);

    /// <summary>
    /// Every physical device; <see cref="DeviceUnavailableException"/> saying why when the loader
    /// cannot be loaded or there is no device.
    /// </summary>
    public static IReadOnlyList<VulkanDeviceInfo> Enumerate(string device = "vulkan")
    {
        var vk = VulkanApi.Get(device);
        using var instance = new VulkanInstance(vk, validation: false, device);
        return [.. Physical(instance, device).Select(d => d.Info)];
    }

    /// <summary>Whether a Vulkan device exists here; else why not (probed once per process).</summary>
    public static bool IsAvailable(out string? reason)
    {
        var (devices, why) = Probe.Value;
        reason = why;
        return devices is { Count: > 0 };
    }

    private static (IReadOnlyList<VulkanDeviceInfo>?, string?) ProbeOnce()
    {
        try
        {
            return (Enumerate(), null);
        }
        catch (JitException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// The device <c>vulkan[:N]</c> names: N in the loader's order; no index picks the first
    /// discrete GPU, else the first integrated one, else the first device.
    /// </summary>
    internal static (PhysicalDevice Handle, VulkanDeviceInfo Info) Select(VulkanInstance instance, int? index, string device)
    {
        var all = Physical(instance, device);
        if (index is { } i)
        {
            if (i < 0 || i >= all.Count)
                throw new DeviceUnavailableException(device, $"index {i} is out of range: the Vulkan devices here are {string.Join("; ", all.Select(d => d.Info))}");
            return all[i];
        }
        foreach (var type in new[] { "discrete GPU", "integrated GPU" })
            foreach (var d in all)
                if (d.Info.Type == type) return d;
        return all[0];
    }

    internal static unsafe List<(PhysicalDevice Handle, VulkanDeviceInfo Info)> Physical(VulkanInstance instance, string device)
    {
        var vk = instance.Vk;
        uint count = 0;
        VulkanApi.Check(vk.EnumeratePhysicalDevices(instance.Handle, &count, null), "vkEnumeratePhysicalDevices", device);
        if (count == 0)
            throw new DeviceUnavailableException(device,
                $"{VulkanApi.LibraryName} loaded but found no Vulkan device (no driver in /usr/share/vulkan/icd.d; Debian: apt-get install mesa-vulkan-drivers)");
        var handles = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = handles) VulkanApi.Check(vk.EnumeratePhysicalDevices(instance.Handle, &count, p), "vkEnumeratePhysicalDevices", device);
        var result = new List<(PhysicalDevice, VulkanDeviceInfo)>();
        for (int i = 0; i < handles.Length; i++) result.Add((handles[i], Describe(vk, handles[i], i)));
        return result;
    }

    private static unsafe VulkanDeviceInfo Describe(Vk vk, PhysicalDevice physical, int index)
    {
        var subgroup = new PhysicalDeviceSubgroupProperties { SType = StructureType.PhysicalDeviceSubgroupProperties };
        var maintenance3 = new PhysicalDeviceMaintenance3Properties { SType = StructureType.PhysicalDeviceMaintenance3Properties, PNext = &subgroup };
        var properties2 = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &maintenance3 };
        vk.GetPhysicalDeviceProperties2(physical, &properties2);
        var p = properties2.Properties;
        var limits = p.Limits;

        bool has8BitStruct = p.ApiVersion >= Vk.Version12 || HasExtension(vk, physical, "VK_KHR_8bit_storage");
        var storage8 = new PhysicalDevice8BitStorageFeatures { SType = StructureType.PhysicalDevice8BitStorageFeatures };
        var storage16 = new PhysicalDevice16BitStorageFeatures { SType = StructureType.PhysicalDevice16BitStorageFeatures, PNext = has8BitStruct ? &storage8 : null };
        var features2 = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2, PNext = &storage16 };
        vk.GetPhysicalDeviceFeatures2(physical, &features2);
        var f = features2.Features;
        var features = new HashSet<string>();
        if (f.ShaderInt64) features.Add("shaderInt64");
        if (f.ShaderFloat64) features.Add("shaderFloat64");
        if (f.ShaderInt16) features.Add("shaderInt16");
        if (storage16.StorageBuffer16BitAccess) features.Add("storageBuffer16BitAccess");
        if (has8BitStruct && storage8.StorageBuffer8BitAccess) features.Add("storageBuffer8BitAccess");
        if (HasExtension(vk, physical, "VK_KHR_push_descriptor")) features.Add("VK_KHR_push_descriptor");

        uint familyCount = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, null);
        var families = new QueueFamilyProperties[familyCount];
        fixed (QueueFamilyProperties* fp = families) vk.GetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, fp);
        // A compute-only family first (a GPU's asynchronous compute queue), else any with compute.
        int family = Array.FindIndex(families, q => (q.QueueFlags & QueueFlags.ComputeBit) != 0 && (q.QueueFlags & QueueFlags.GraphicsBit) == 0);
        if (family < 0) family = Array.FindIndex(families, q => (q.QueueFlags & QueueFlags.ComputeBit) != 0);

        var uuid = new byte[16];
        for (int k = 0; k < 16; k++) uuid[k] = p.PipelineCacheUuid[k];
        return new VulkanDeviceInfo(
            index,
            SilkMarshal.PtrToString((nint)p.DeviceName) ?? "?",
            p.DeviceType switch
            {
                PhysicalDeviceType.DiscreteGpu => "discrete GPU",
                PhysicalDeviceType.IntegratedGpu => "integrated GPU",
                PhysicalDeviceType.VirtualGpu => "virtual GPU",
                PhysicalDeviceType.Cpu => "CPU",
                _ => "other",
            },
            p.ApiVersion, p.DriverVersion, features,
            (int)subgroup.SubgroupSize,
            (int)limits.MaxPushConstantsSize,
            (int)Math.Min(limits.MaxComputeWorkGroupInvocations, limits.MaxComputeWorkGroupSize[0]),
            limits.MaxComputeWorkGroupCount[0],
            limits.MaxStorageBufferRange,
            (long)limits.MinStorageBufferOffsetAlignment,
            (long)maintenance3.MaxMemoryAllocationSize,
            limits.TimestampPeriod,
            family,
            family >= 0 && families[family].TimestampValidBits > 0,
            uuid);
    }

    internal static unsafe bool HasExtension(Vk vk, PhysicalDevice physical, string name)
    {
        uint count = 0;
        vk.EnumerateDeviceExtensionProperties(physical, (byte*)null, &count, null);
        var extensions = new ExtensionProperties[count];
        fixed (ExtensionProperties* e = extensions) vk.EnumerateDeviceExtensionProperties(physical, (byte*)null, &count, e);
        foreach (var e in extensions)
            if (SilkMarshal.PtrToString((nint)e.ExtensionName) == name) return true;
        return false;
    }
}

using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Jit.Backends.Vulkan.Native;
using Jit.Errors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// A <c>VkInstance</c> (Vulkan 1.1 or later), with the Khronos validation layer and a
/// VK_EXT_debug_utils messenger when asked: every warning and error the layer reports is kept in
/// <see cref="Messages"/> (tests assert there are none).
/// </summary>
internal sealed unsafe class VulkanInstance : IDisposable
{
    public const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private const string DebugUtils = "VK_EXT_debug_utils";

    private readonly ConcurrentQueue<string> _messages = new();
    private GCHandle _self;
    private DebugUtilsMessengerEXT _messenger;
    private delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void> _destroyMessenger;
    private readonly bool _toStderr;
    private int _disposed;

    public VulkanInstance(Vk vk, bool validation, string device, bool toStderr = false)
    {
        Vk = vk;
        Validation = validation;
        _toStderr = toStderr;
        if (validation && !HasLayer(vk, ValidationLayer))
            throw new DeviceUnavailableException(device,
                $"validation was asked for but the layer {ValidationLayer} is not installed (Debian: apt-get install vulkan-validationlayers)");
        uint loaderVersion = Vk.Version11;
        vk.EnumerateInstanceVersion(&loaderVersion);
        if (loaderVersion < Vk.Version11)
            throw new DeviceUnavailableException(device, $"the Vulkan loader supports only Vulkan {loaderVersion >> 22}.{(loaderVersion >> 12) & 0x3ff}; this backend needs 1.1");
        var appName = (byte*)SilkMarshal.StringToPtr("jit-dotnet");
        var layer = (byte*)SilkMarshal.StringToPtr(ValidationLayer);
        var extension = (byte*)SilkMarshal.StringToPtr(DebugUtils);
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = appName,
                PEngineName = appName,
                ApiVersion = Math.Min(loaderVersion, Vk.Version13),
            };
            var info = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo,
                PApplicationInfo = &app,
                EnabledLayerCount = validation ? 1u : 0u,
                PpEnabledLayerNames = validation ? &layer : null,
                EnabledExtensionCount = validation ? 1u : 0u,
                PpEnabledExtensionNames = validation ? &extension : null,
            };
            Instance instance;
            var result = vk.CreateInstance(&info, null, &instance);
            if (result != Result.Success)
                throw new DeviceUnavailableException(device, $"vkCreateInstance failed ({VulkanApi.Name(result)}): no Vulkan driver (Debian: apt-get install mesa-vulkan-drivers)");
            Handle = instance;
        }
        finally
        {
            SilkMarshal.Free((nint)appName);
            SilkMarshal.Free((nint)layer);
            SilkMarshal.Free((nint)extension);
        }
        if (validation) CreateMessenger(device);
    }

    public Vk Vk { get; }
    public Instance Handle { get; }
    public bool Validation { get; }

    /// <summary>The validation layer's warnings and errors so far, one line each.</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    public static bool HasLayer(Vk vk, string name)
    {
        uint count = 0;
        vk.EnumerateInstanceLayerProperties(&count, null);
        var layers = new LayerProperties[count];
        fixed (LayerProperties* p = layers) vk.EnumerateInstanceLayerProperties(&count, p);
        foreach (var l in layers)
            if (SilkMarshal.PtrToString((nint)l.LayerName) == name) return true;
        return false;
    }

    private void CreateMessenger(string device)
    {
        _self = GCHandle.Alloc(this);
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            Vk.GetInstanceProcAddr(Handle, "vkCreateDebugUtilsMessengerEXT").Handle;
        _destroyMessenger = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
            Vk.GetInstanceProcAddr(Handle, "vkDestroyDebugUtilsMessengerEXT").Handle;
        if (create == null || _destroyMessenger == null)
            throw new DeviceUnavailableException(device, $"{DebugUtils} has no messenger entry points");
        var info = new DebugUtilsMessengerCreateInfoEXT
        {
            SType = StructureType.DebugUtilsMessengerCreateInfoExt,
            MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            // Bool32 may not be an unmanaged-callers-only return type; VkBool32 is a uint.
            PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(
                (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, Silk.NET.Core.Bool32>)
                (delegate* unmanaged<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, uint>)&OnMessage),
            PUserData = (void*)GCHandle.ToIntPtr(_self),
        };
        DebugUtilsMessengerEXT messenger;
        VulkanApi.Check(create(Handle, &info, null, &messenger), "vkCreateDebugUtilsMessengerEXT", device);
        _messenger = messenger;
    }

    [UnmanagedCallersOnly]
    private static uint OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types, DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        if (GCHandle.FromIntPtr((nint)user).Target is VulkanInstance self)
        {
            string message = $"{severity}: {SilkMarshal.PtrToString((nint)data->PMessage)}";
            self._messages.Enqueue(message);
            if (self._toStderr) Console.Error.WriteLine($"jit: vulkan validation: {message}");
        }
        return 0; // VK_FALSE: the call goes on
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_messenger.Handle != 0) _destroyMessenger(Handle, _messenger, null);
        Vk.DestroyInstance(Handle, null);
        if (_self.IsAllocated) _self.Free();
    }
}

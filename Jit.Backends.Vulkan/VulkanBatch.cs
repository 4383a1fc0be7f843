using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>A queue's open command buffer: recorded once, submitted once, reused after its fence.</summary>
internal sealed class VulkanBatch(VulkanQueue queue) : VulkanSubmission(queue, CommandBufferUsageFlags.OneTimeSubmitBit)
{
    /// <summary>Ends and submits the commands with the fence.</summary>
    public void Submit()
    {
        End();
        Queue.Backend.Submit(Commands, Fence);
        InFlight = true;
    }

    /// <summary>Frees the held buffers and the native objects (completed or never submitted).</summary>
    public void Destroy()
    {
        Free(ReleaseAll());
        DestroyNative();
    }
}

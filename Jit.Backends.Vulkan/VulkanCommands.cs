using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// The commands the backend records besides dispatches. Dependent commands are ordered by one
/// global memory barrier after each (compute and transfer writes before any later compute or
/// transfer access): simple, and correct for every plan, since a plan's steps mostly depend on
/// the step before.
/// </summary>
internal static unsafe class VulkanCommands
{
    private const PipelineStageFlags Work = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;

    public static void Barrier(Vk vk, CommandBuffer commands)
    {
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit | AccessFlags.HostWriteBit,
            DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
        };
        vk.CmdPipelineBarrier(commands, Work | PipelineStageFlags.HostBit, Work, 0, 1, &barrier, 0, null, 0, null);
    }

    public static void BarrierToHost(Vk vk, CommandBuffer commands)
    {
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.HostReadBit,
        };
        vk.CmdPipelineBarrier(commands, Work, PipelineStageFlags.HostBit, 0, 1, &barrier, 0, null, 0, null);
    }

    public static void Copy(Vk vk, CommandBuffer commands, VulkanBuffer source, long sourceOffset, VulkanBuffer destination, long destinationOffset, long bytes)
    {
        var region = new BufferCopy((ulong)sourceOffset, (ulong)destinationOffset, (ulong)bytes);
        vk.CmdCopyBuffer(commands, source.Handle, destination.Handle, 1, &region);
        Barrier(vk, commands);
    }
}

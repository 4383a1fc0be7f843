namespace Jit.Backends.Vulkan;

/// <summary>
/// Host-visible blocks where one submission's launches put the argument blocks that are larger
/// than the device's push constants (<see cref="Jit.Codegen.Spirv.SpirvProgram.ArgumentsInBuffer"/>):
/// bump-allocated at the device's storage-buffer offset alignment, reused from the start once the
/// submission completed. Its memory is the submission's own, like its command buffer: not counted
/// as live buffers.
/// </summary>
internal sealed unsafe class VulkanArgumentArena(VulkanBackend backend, VulkanSubmission owner) : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private readonly List<VulkanBuffer> _chunks = [];
    private int _chunk;
    private long _offset;

    /// <summary>Copies <paramref name="arguments"/> into the arena; returns the buffer and byte offset to bind.</summary>
    public (VulkanBuffer Buffer, long Offset) Add(ReadOnlySpan<long> arguments)
    {
        long bytes = arguments.Length * 8L;
        long align = Math.Max(backend.Info.MinStorageBufferOffsetAlignment, 8);
        _offset = (_offset + align - 1) / align * align;
        if (_chunk < _chunks.Count && _offset + bytes > _chunks[_chunk].ByteLength)
        {
            _chunk++;
            _offset = 0;
        }
        if (_chunk == _chunks.Count)
            _chunks.Add(backend.Allocator.AllocateUncounted(Math.Max(ChunkBytes, bytes)));
        var buffer = _chunks[_chunk];
        arguments.CopyTo(new Span<long>(buffer.Mapped + _offset, arguments.Length));
        owner.Use(buffer);
        var at = (buffer, _offset);
        _offset += bytes;
        return at;
    }

    /// <summary>Starts again from the first block (the submission completed).</summary>
    public void Reset()
    {
        _chunk = 0;
        _offset = 0;
    }

    public void Dispose()
    {
        foreach (var c in _chunks)
        {
            c.LastUse = null;
            c.Dispose();
        }
        _chunks.Clear();
    }
}

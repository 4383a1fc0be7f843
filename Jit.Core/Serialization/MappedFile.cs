using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Jit.Serialization;

/// <summary>
/// A file mapped copy-on-write into memory, as a <see cref="Memory{T}"/> that tensors can view in place.
/// The mapping lives as long as anything (a tensor's storage) still references the memory: it is
/// released by the finalizer, never while a view could still read it.
/// </summary>
public sealed unsafe class MappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;

    private MappedFile(MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        _file = file;
        _view = view;
        _length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _pointer = p + view.PointerOffset;
    }

    /// <summary>Maps <paramref name="path"/>; files over 2 GiB are refused (spans index with int).</summary>
    public static Memory<byte> Map(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > int.MaxValue) throw new Errors.JitFormatException($"'{path}' is {length} bytes; files over 2 GiB are not supported");
        if (length == 0) return Memory<byte>.Empty;
        // Copy-on-write: a model that writes its own buffers in place gets private pages, never a fault.
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
        var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
        return new MappedFile(file, view, (int)length).Memory;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    // The mapping stays put for its whole life, so pinning is a no-op.
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        // Only the finalizer unmaps: an explicit Dispose could pull memory from under live tensors.
        if (disposing) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    // CA2015 warns that a span may outlive its manager. Spans over tensor storage live only inside a
    // kernel call, while the caller's argument array still holds the tensors (and so this manager).
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2015", Justification = "spans never outlive the tensors that own this memory")]
    ~MappedFile() => Dispose(false);
}

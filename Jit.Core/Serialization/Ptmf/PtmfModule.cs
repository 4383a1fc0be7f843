using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using Jit.Tensors;
using M = Jit.Serialization.Ptmf.PtmfSchema.Module;

namespace Jit.Serialization.Ptmf;

/// <summary>
/// A PyTorch flatbuffer module (PTMF) read in place. <see cref="Load"/> verifies the FlatBuffer
/// against mobile_bytecode.fbs and then checks every index the file holds (methods, state object,
/// constants, object types, container items, storages) and every tensor's extent, so the
/// accessors afterwards cannot fail on a malformed file.
/// </summary>
public sealed partial class PtmfModule
{
    // Storage data is used in place when its address suits every element type we read (8 bytes).
    private const int InPlaceAlignment = 8;

    private readonly FbTable _root;
    private readonly FbVector _ivalues;
    private readonly FbVector _storage;
    private readonly FbVector _objectTypes;
    private readonly TensorStorage?[] _storages;

    public ReadOnlyMemory<byte> Bytes { get; }

    private PtmfModule(FlatBuffer fb)
    {
        Bytes = fb.Memory;
        _root = fb.Root;
        _ivalues = _root.GetVector(M.IValues);
        _storage = _root.GetVector(M.StorageData);
        _objectTypes = _root.GetVector(M.ObjectTypes);
        _storages = new TensorStorage?[_storage.Length];
    }

    /// <summary>Verifies and opens a PTMF file. Throws <see cref="JitFormatException"/> (with the byte offset) on any defect.</summary>
    public static PtmfModule Load(ReadOnlyMemory<byte> bytes, FbVerifierOptions? options = null)
    {
        var module = new PtmfModule(FlatBuffer.Open(bytes, PtmfSchema.ModuleDef, PtmfSchema.FileIdentifier, options: options));
        module.Validate();
        return module;
    }

    /// <summary>Whether the bytes carry PTMF's file identifier (a cheap format sniff; verifies nothing).</summary>
    public static bool HasFileIdentifier(ReadOnlySpan<byte> bytes) =>
        FbVerifier.PeekFileIdentifier(bytes) == PtmfSchema.FileIdentifier;

    public uint BytecodeVersion => _root.GetUInt32(M.BytecodeVersion);
    public uint OperatorVersion => _root.GetUInt32(M.OperatorVersion);
    public uint MobileIValueSize => _root.GetUInt32(M.MobileIValueSize);
    public int StorageDataSize => _root.GetInt32(M.StorageDataSize);
    /// <summary>Index (into ivalues) of the module object.</summary>
    public uint StateObj => _root.GetUInt32(M.StateObj);
    /// <summary>Indices (into ivalues) of the module's methods, each a Function.</summary>
    public uint[] Methods => _root.GetVector(M.Methods).ToUInt32Array();
    /// <summary>Indices (into ivalues) of the constants the TorchScript sources refer to.</summary>
    public uint[] JitConstants => _root.GetVector(M.JitConstants).ToUInt32Array();
    public PtmfExtraFile[] ExtraFiles => Files(M.ExtraFiles);
    /// <summary>The TorchScript sources of the module's classes (present when saved with them).</summary>
    public PtmfExtraFile[] JitSources => Files(M.JitSources);

    public int IValueCount => _ivalues.Length;
    public PtmfIValue IValue(int index) => new(_ivalues.GetTable(index), index);
    public PtmfIValue IValue(uint index) => IValue(checked((int)index));
    public PtmfIValue StateObject => IValue(StateObj);

    public int ObjectTypeCount => _objectTypes.Length;
    public PtmfObjectType ObjectType(int index) => new(_objectTypes.GetTable(index));
    public PtmfObjectType ObjectType(uint index) => ObjectType(checked((int)index));

    public IEnumerable<PtmfFunction> MethodFunctions => Methods.Select(i => IValue(i).AsFunction);

    public int StorageCount => _storage.Length;

    /// <summary>The raw bytes of storage <paramref name="index"/>, in place.</summary>
    public ReadOnlyMemory<byte> StorageBytes(int index) => _storage.GetTable(index).GetVector(0).Bytes(1);

    /// <summary>
    /// Storage <paramref name="index"/> as a tensor storage, one per index (tensors sharing it are
    /// views). It is the file's own memory when suitably aligned, else a copy. Writing to an
    /// in-place storage writes into the caller's buffer.
    /// </summary>
    public TensorStorage Storage(int index)
    {
        if (_storages[index] is { } cached) return cached;
        var bytes = StorageBytes(index);
        var storage = IsAligned(bytes, InPlaceAlignment)
            ? new TensorStorage(MemoryMarshal.AsMemory(bytes))
            : new TensorStorage(bytes.ToArray());
        _storages[index] = storage;
        return storage;
    }

    /// <summary>Whether <see cref="Storage"/> will use the file's memory for <paramref name="index"/> without copying.</summary>
    public bool IsStorageInPlace(int index) => IsAligned(StorageBytes(index), InPlaceAlignment);

    /// <summary>The tensor an ivalue describes, over its (shared) storage.</summary>
    public Tensor CreateTensor(PtmfTensorMetadata meta)
    {
        var storage = Storage(checked((int)meta.StorageLocationIndex));
        var sizes = Array.ConvertAll(meta.Sizes, s => (long)s);
        var strides = Array.ConvertAll(meta.Strides, s => (long)s);
        return new Tensor(storage, meta.DType, sizes, strides, meta.StorageOffset);
    }

    private PtmfExtraFile[] Files(int slot)
    {
        var v = _root.GetVector(slot);
        var result = new PtmfExtraFile[v.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var t = v.GetTable(i);
            result[i] = new PtmfExtraFile(t.GetString(PtmfSchema.ExtraFile.Name) ?? "", t.GetString(PtmfSchema.ExtraFile.Content) ?? "");
        }
        return result;
    }

    private static unsafe bool IsAligned(ReadOnlyMemory<byte> bytes, int alignment)
    {
        if (bytes.IsEmpty) return true;
        // A managed byte[]'s data starts 8-byte aligned on 64-bit runtimes and keeps that
        // alignment when the GC moves it, so the offset into the array decides.
        if (MemoryMarshal.TryGetArray(bytes, out var segment))
            return IntPtr.Size == 8 && alignment <= 8 && segment.Offset % alignment == 0;
        using var pin = bytes.Pin();
        return (nint)pin.Pointer % alignment == 0;
    }
}

using Jit.Serialization.FlatBuffers;
using O = Jit.Serialization.Ptmf.PtmfSchema.Object;

namespace Jit.Serialization.Ptmf;

/// <summary>A script object: its type (index into object types), and its state as ivalue indices.</summary>
public readonly struct PtmfObject
{
    private readonly FbTable _table;

    internal PtmfObject(FbTable table) => _table = table;

    public int ByteOffset => _table.Position;
    public uint TypeIndex => _table.GetUInt32(O.TypeIndex);
    /// <summary>For CLASS_WITH_SETSTATE / CUSTOM_CLASS: the ivalue passed to <c>__setstate__</c>.</summary>
    public uint State => _table.GetUInt32(O.State);
    /// <summary>For CLASS_WITH_FIELD: one ivalue index per attribute, in the type's attr_names order.</summary>
    public uint[] Attrs => _table.GetVector(O.Attrs).ToUInt32Array();
    /// <summary>Index of the ivalue holding the <c>__setstate__</c> function.</summary>
    public uint SetStateFunc => _table.GetUInt32(O.SetStateFunc);
}

using Jit.Serialization.FlatBuffers;
using T = Jit.Serialization.Ptmf.PtmfSchema.ObjectType;

namespace Jit.Serialization.Ptmf;

/// <summary>A class used by the module's objects: qualified name, storage kind, attribute names.</summary>
public readonly struct PtmfObjectType
{
    private readonly FbTable _table;

    internal PtmfObjectType(FbTable table) => _table = table;

    public string TypeName => _table.GetString(T.TypeName) ?? "";
    public PtmfTypeType Type => (PtmfTypeType)_table.GetByte(T.Type);
    public string[] AttrNames => _table.GetVector(T.AttrNames).ToStringArray();

    public override string ToString() => TypeName;
}

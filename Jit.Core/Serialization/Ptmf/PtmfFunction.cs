using Jit.Serialization.FlatBuffers;
using F = Jit.Serialization.Ptmf.PtmfSchema.Function;

namespace Jit.Serialization.Ptmf;

/// <summary>A bytecode function: qualified name, instructions, operators, constants (ivalue indices), schema.</summary>
public readonly struct PtmfFunction
{
    private readonly FbTable _table;

    internal PtmfFunction(FbTable table) => _table = table;

    public int ByteOffset => _table.Position;

    /// <summary>Qualified name, e.g. <c>__torch__.Mlp.forward</c>.</summary>
    public string QualifiedName => _table.GetString(F.Qn) ?? "";

    public PtmfInstruction[] Instructions
    {
        get
        {
            var v = _table.GetVector(F.Instructions);
            var result = new PtmfInstruction[v.Length];
            for (int i = 0; i < result.Length; i++)
            {
                var s = v.GetStruct(i, PtmfSchema.InstructionSize);
                result[i] = new PtmfInstruction(s.GetSByte(0), s.GetUInt16(2), s.GetInt32(4));
            }
            return result;
        }
    }

    public int InstructionCount => _table.GetVector(F.Instructions).Length;

    public PtmfOperator[] Operators
    {
        get
        {
            var v = _table.GetVector(F.Operators);
            var result = new PtmfOperator[v.Length];
            for (int i = 0; i < result.Length; i++)
            {
                var t = v.GetTable(i);
                result[i] = new PtmfOperator(t.GetString(PtmfSchema.Operator.Name) ?? "", t.GetString(PtmfSchema.Operator.OverloadName) ?? "",
                    t.GetInt32(PtmfSchema.Operator.NumArgsSerialized, -1));
            }
            return result;
        }
    }

    /// <summary>Indices into the module's ivalues, in LOADC order.</summary>
    public uint[] Constants => _table.GetVector(F.Constants).ToUInt32Array();

    public string[] TypeAnnotations => _table.GetVector(F.TypeAnnotations).ToStringArray();

    public int RegisterSize => _table.GetInt32(F.RegisterSize);

    public bool HasSchema => _table.Has(F.Schema);

    public PtmfArg[] Arguments => Args(PtmfSchema.Schema.Arguments);

    public PtmfArg[] Returns => Args(PtmfSchema.Schema.Returns);

    /// <summary>Debug handles, one per instruction where present.</summary>
    public long[] DebugHandles => _table.GetTable(F.DebugInfo) is { } d ? d.GetVector(0).ToInt64Array() : [];

    public bool HasDebugInfo => _table.Has(F.DebugInfo);

    /// <summary>Index into the module's object types of the class this method belongs to.</summary>
    public uint ClassType => _table.GetUInt32(F.ClassType);

    private PtmfArg[] Args(int slot)
    {
        if (_table.GetTable(F.Schema) is not { } schema) return [];
        var v = schema.GetVector(slot);
        var result = new PtmfArg[v.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var t = v.GetTable(i);
            result[i] = new PtmfArg(t.GetString(PtmfSchema.Arg.Name) ?? "", t.GetString(PtmfSchema.Arg.Type) ?? "", t.GetUInt32(PtmfSchema.Arg.DefaultValue));
        }
        return result;
    }

    public override string ToString() => QualifiedName;
}

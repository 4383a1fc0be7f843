using Jit.Errors;
using M = Jit.Serialization.Ptmf.PtmfSchema.Module;

namespace Jit.Serialization.Ptmf;

/// <summary>The index and extent checks <see cref="Load"/> runs after the FlatBuffer verifier.</summary>
public sealed partial class PtmfModule
{
    private void Validate()
    {
        int n = IValueCount;
        var methods = Methods;
        for (int i = 0; i < methods.Length; i++)
        {
            CheckIndex(methods[i], n, $"methods[{i}]", _root.Position);
            if (IValue(methods[i]).Kind != PtmfIValueKind.Function)
                throw new JitFormatException($"PTMF: methods[{i}] = {methods[i]} is a {IValue(methods[i]).Kind}, expected a Function", IValue(methods[i]).ByteOffset);
        }
        if (n > 0 || methods.Length > 0) CheckIndex(StateObj, n, "state_obj", _root.Position);
        var jitConstants = JitConstants;
        for (int i = 0; i < jitConstants.Length; i++) CheckIndex(jitConstants[i], n, $"jit_constants[{i}]", _root.Position);
        for (int i = 0; i < n; i++) ValidateIValue(IValue(i));
    }

    private void ValidateIValue(PtmfIValue v)
    {
        int n = IValueCount;
        int at = v.ByteOffset;
        string where = $"ivalue {v.Index} ({v.Kind})";
        switch (v.Kind)
        {
            case PtmfIValueKind.List:
            case PtmfIValueKind.Tuple:
                CheckItems(v.Items, v.Index, $"{where} items", at);
                break;
            case PtmfIValueKind.Dict:
                var keys = v.DictKeys;
                var values = v.DictValues;
                if (keys.Length != values.Length)
                    throw new JitFormatException($"PTMF: {where} has {keys.Length} keys but {values.Length} values", at);
                CheckItems(keys, v.Index, $"{where} keys", at);
                CheckItems(values, v.Index, $"{where} values", at);
                break;
            case PtmfIValueKind.EnumValue:
                CheckItems([v.EnumValueIndex], v.Index, $"{where} value", at);
                break;
            case PtmfIValueKind.Object:
                var o = v.AsObject;
                CheckIndex(o.TypeIndex, ObjectTypeCount, $"{where} type_index", at);
                var type = ObjectType(o.TypeIndex);
                if (type.Type == PtmfTypeType.ClassWithField)
                {
                    var attrs = o.Attrs;
                    if (attrs.Length != type.AttrNames.Length)
                        throw new JitFormatException($"PTMF: {where} of type {type.TypeName} has {attrs.Length} attrs but the type names {type.AttrNames.Length}", at);
                    CheckItems(attrs, v.Index, $"{where} attrs", at);
                }
                else
                {
                    CheckItems(o.Attrs, v.Index, $"{where} attrs", at);
                    if (type.Type is PtmfTypeType.ClassWithSetState or PtmfTypeType.CustomClass)
                    {
                        CheckItems([o.State], v.Index, $"{where} state", at);
                        if (type.Type == PtmfTypeType.ClassWithSetState) CheckIndex(o.SetStateFunc, n, $"{where} setstate_func", at);
                    }
                }
                break;
            case PtmfIValueKind.Function:
                ValidateFunction(v.AsFunction, where);
                break;
            case PtmfIValueKind.TensorMetadata:
                ValidateTensor(v.AsTensor, where);
                break;
        }
    }

    private void ValidateFunction(PtmfFunction f, string where)
    {
        int at = f.ByteOffset;
        where = $"{where} {f.QualifiedName}";
        var constants = f.Constants;
        for (int i = 0; i < constants.Length; i++) CheckIndex(constants[i], IValueCount, $"{where} constants[{i}]", at);
        if (ObjectTypeCount > 0 || f.ClassType != 0) CheckIndex(f.ClassType, ObjectTypeCount, $"{where} class_type", at);
        if (f.RegisterSize < 0) throw new JitFormatException($"PTMF: {where} has register_size {f.RegisterSize}", at);
        foreach (var arg in f.Arguments.Concat(f.Returns))
            if (arg.DefaultValue != 0) CheckIndex(arg.DefaultValue, IValueCount, $"{where} argument '{arg.Name}' default_value", at);
        int operators = f.Operators.Length;
        var code = f.Instructions;
        for (int pc = 0; pc < code.Length; pc++)
        {
            var ins = code[pc];
            // The two operand kinds whose meaning is fixed by the format: an operator index and a constant index.
            if (ins.OpCode is BytecodeOpCode.OP or BytecodeOpCode.OPN) CheckIndex((uint)ins.X, operators, $"{where} instruction {pc} ({ins.OpName}) operator", at);
            if (ins.OpCode == BytecodeOpCode.LOADC) CheckIndex((uint)ins.X, constants.Length, $"{where} instruction {pc} (LOADC) constant", at);
        }
    }

    private void ValidateTensor(PtmfTensorMetadata t, string where)
    {
        int at = t.ByteOffset;
        CheckIndex(t.StorageLocationIndex, StorageCount, $"{where} storage_location_index", at);
        int elementSize = PtmfTensorMetadata.ElementSize(t.ScalarType);
        if (elementSize == 0) throw new JitFormatException($"PTMF: {where} has unknown scalar_type {t.ScalarType}", at);
        var sizes = t.Sizes;
        var strides = t.Strides;
        if (sizes.Length != strides.Length)
            throw new JitFormatException($"PTMF: {where} has {sizes.Length} sizes but {strides.Length} strides", at);
        if (t.StorageOffset < 0) throw new JitFormatException($"PTMF: {where} has negative storage_offset {t.StorageOffset}", at);
        // Largest element offset reached, in elements; any size 0 means no element is read.
        long last = t.StorageOffset;
        bool empty = false;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] < 0 || strides[d] < 0)
                throw new JitFormatException($"PTMF: {where} has size {sizes[d]} and stride {strides[d]} in dim {d}; expected non-negative", at);
            if (sizes[d] == 0) empty = true;
            else last += (long)(sizes[d] - 1) * strides[d]; // < 2^31 * 2^31 per dim, summed over at most the vector length: checked below
            if (last > long.MaxValue / 32) throw new JitFormatException($"PTMF: {where} extent overflows", at);
        }
        if (empty) return;
        long needed = (last + 1) * elementSize;
        long have = StorageBytes((int)t.StorageLocationIndex).Length;
        if (needed > have)
            throw new JitFormatException($"PTMF: {where} needs {needed} bytes (sizes [{string.Join(", ", sizes)}], strides [{string.Join(", ", strides)}], offset {t.StorageOffset}, {elementSize}-byte elements) but storage {t.StorageLocationIndex} has {have}", at);
        if (t.QuantizedSchema is { } q)
        {
            if (q.Scales is { } s) ValidateTensor(s, where + " scales");
            if (q.ZeroPoints is { } z) ValidateTensor(z, where + " zero_points");
        }
    }

    /// <summary>Container items must be earlier ivalues: PyTorch writes children first and its loader resolves them in order, which also rules out cycles.</summary>
    private void CheckItems(uint[] items, int owner, string what, int at)
    {
        for (int i = 0; i < items.Length; i++)
        {
            CheckIndex(items[i], IValueCount, $"{what}[{i}]", at);
            if (items[i] >= owner)
                throw new JitFormatException($"PTMF: {what}[{i}] = {items[i]} does not refer to an earlier ivalue (owner is {owner})", at);
        }
    }

    private static void CheckIndex(uint index, int count, string what, int at)
    {
        if (index >= (uint)count)
            throw new JitFormatException($"PTMF: {what} = {index} is out of range (count {count})", at);
    }
}

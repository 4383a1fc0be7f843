namespace Jit.Serialization.Ptmf;

/// <summary>Copying a loaded module through the writer (saving what was loaded).</summary>
public sealed partial class PtmfWriter
{
    /// <summary>Writes everything <paramref name="module"/> holds into a new PTMF file with the same indices.</summary>
    public static byte[] Rewrite(PtmfModule module)
    {
        var w = new PtmfWriter();
        for (int i = 0; i < module.StorageCount; i++) w.AddStorage(module.StorageBytes(i).Span);
        for (int i = 0; i < module.ObjectTypeCount; i++)
        {
            var t = module.ObjectType(i);
            w.AddObjectType(t.TypeName, t.Type, t.AttrNames);
        }
        for (int i = 0; i < module.IValueCount; i++) w.CopyIValue(module.IValue(i));
        foreach (var f in module.ExtraFiles) w.AddExtraFile(f.Name, f.Content);
        foreach (var f in module.JitSources) w.AddJitSource(f.Name, f.Content);
        return w.Finish(module.BytecodeVersion, module.Methods, module.StateObj, module.JitConstants,
            module.OperatorVersion, module.MobileIValueSize);
    }

    private static PtmfTensorInfo Info(PtmfTensorMetadata t) => new(t.StorageLocationIndex, t.ScalarType, t.StorageOffset, t.Sizes, t.Strides);

    private int CopyIValue(PtmfIValue v)
    {
        switch (v.Kind)
        {
            case PtmfIValueKind.None: return AddNone();
            case PtmfIValueKind.Int: return AddInt(v.AsInt);
            case PtmfIValueKind.Bool: return AddBool(v.AsBool);
            case PtmfIValueKind.Double: return AddDouble(v.AsDouble);
            case PtmfIValueKind.ComplexDouble: return AddComplexDouble(v.AsComplexDouble.Real, v.AsComplexDouble.Imag);
            case PtmfIValueKind.String: return AddString(v.AsString);
            case PtmfIValueKind.Device: return AddDevice(v.AsDevice);
            case PtmfIValueKind.List: return AddList(v.Items, v.AnnotationStr);
            case PtmfIValueKind.Tuple: return AddTuple(v.Items);
            case PtmfIValueKind.Dict: return AddDict(v.DictKeys, v.DictValues, v.AnnotationStr);
            case PtmfIValueKind.IntList: return AddIntList(v.AsIntList);
            case PtmfIValueKind.DoubleList: return AddDoubleList(v.AsDoubleList);
            case PtmfIValueKind.BoolList: return AddBoolList(v.AsBoolList);
            case PtmfIValueKind.EnumValue: return AddEnumValue(v.EnumTypeName, v.EnumValueIndex);
            case PtmfIValueKind.Function: return AddFunction(PtmfFunctionInfo.From(v.AsFunction));
            case PtmfIValueKind.Object:
                var o = v.AsObject;
                return AddObject(o.TypeIndex, o.State, o.Attrs, o.SetStateFunc);
            case PtmfIValueKind.TensorMetadata:
                var t = v.AsTensor;
                PtmfQuantizedSchemaInfo? q = t.QuantizedSchema is { } qs
                    ? new PtmfQuantizedSchemaInfo(qs.QScheme, qs.Scale, qs.ZeroPoint, qs.Axis,
                        qs.Scales is { } s ? Info(s) : null, qs.ZeroPoints is { } z ? Info(z) : null)
                    : null;
                return AddTensor(t.StorageLocationIndex, t.ScalarType, t.StorageOffset, t.Sizes, t.Strides, t.RequiresGrad, q);
            default:
                // Load rejects union types outside IValueUnion, so this is unreachable for a loaded module.
                throw new Errors.JitFormatException($"PTMF: ivalue {v.Index} has unknown kind {(byte)v.Kind}", v.ByteOffset);
        }
    }
}

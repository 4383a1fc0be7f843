using Jit.Serialization.FlatBuffers;

namespace Jit.Serialization.Ptmf;

/// <summary>
/// PyTorch's mobile_bytecode.fbs (namespace torch.jit.mobile.serialization, identifier "PTMF"),
/// transcribed slot for slot from mobile_bytecode_generated.h (its VT_* constants are 4 + 2 * slot).
/// The readers (<see cref="PtmfModule"/> and friends) and <see cref="PtmfWriter"/> use these slots;
/// the verifier uses the definitions.
/// </summary>
internal static class PtmfSchema
{
    public const string FileIdentifier = "PTMF";

    // Struct sizes and alignments (FLATBUFFERS_STRUCT_END / MANUALLY_ALIGNED_STRUCT).
    public const int InstructionSize = 8, InstructionAlign = 4;
    public const int IntSize = 8, BoolSize = 1, DoubleSize = 8, ComplexDoubleSize = 16;

    public static class Module
    {
        public const int BytecodeVersion = 0, ExtraFiles = 1, Methods = 2, StateObj = 3, IValues = 4, StorageDataSize = 5,
            StorageData = 6, ObjectTypes = 7, JitSources = 8, JitConstants = 9, OperatorVersion = 10, MobileIValueSize = 11, SlotCount = 12;
    }

    public static class QuantizedSchema { public const int QScheme = 0, Scale = 1, ZeroPoint = 2, Scales = 3, ZeroPoints = 4, Axis = 5, SlotCount = 6; }
    public static class TensorMetadata { public const int StorageLocationIndex = 0, ScalarType = 1, StorageOffset = 2, Sizes = 3, Strides = 4, RequiresGrad = 5, QuantizedSchema = 6, SlotCount = 7; }
    public static class Items { public const int Items_ = 0, AnnotationStr = 1; }
    public static class Dict { public const int Keys = 0, Values = 1, AnnotationStr = 2, SlotCount = 3; }
    public static class ObjectType { public const int TypeName = 0, Type = 1, AttrNames = 2, SlotCount = 3; }
    public static class Object { public const int TypeIndex = 0, State = 1, Attrs = 2, SetStateFunc = 3, SlotCount = 4; }
    public static class EnumValue { public const int TypeName = 0, Value = 1, SlotCount = 2; }
    public static class Operator { public const int Name = 0, OverloadName = 1, NumArgsSerialized = 2, SlotCount = 3; }
    public static class Arg { public const int Name = 0, Type = 1, DefaultValue = 2, SlotCount = 3; }
    public static class Schema { public const int Arguments = 0, Returns = 1, SlotCount = 2; }
    public static class Function
    {
        public const int Qn = 0, Instructions = 1, Operators = 2, Constants = 3, TypeAnnotations = 4, RegisterSize = 5,
            Schema = 6, DebugInfo = 7, ClassType = 8, SlotCount = 9;
    }
    public static class IValue { public const int ValType = 0, Val = 1, SlotCount = 2; }
    public static class ExtraFile { public const int Name = 0, Content = 1, SlotCount = 2; }

    public static readonly FbTableDef ModuleDef;
    public static readonly FbTableDef FunctionDef;

    static PtmfSchema()
    {
        var tensor = new FbTableDef("TensorMetadata");
        var quantized = new FbTableDef("QuantizedSchema")
            .Scalar("qscheme", QuantizedSchema.QScheme, 1).Scalar("scale", QuantizedSchema.Scale, 8)
            .Scalar("zero_point", QuantizedSchema.ZeroPoint, 4)
            .Table("scales", QuantizedSchema.Scales, tensor).Table("zero_points", QuantizedSchema.ZeroPoints, tensor)
            .Scalar("axis", QuantizedSchema.Axis, 4);
        tensor.Scalar("storage_location_index", TensorMetadata.StorageLocationIndex, 4)
            .Scalar("scalar_type", TensorMetadata.ScalarType, 1).Scalar("storage_offset", TensorMetadata.StorageOffset, 4)
            .Vector("sizes", TensorMetadata.Sizes, 4).Vector("strides", TensorMetadata.Strides, 4)
            .Scalar("requires_grad", TensorMetadata.RequiresGrad, 1).Table("quantized_schema", TensorMetadata.QuantizedSchema, quantized);

        var str = new FbTableDef("String").String("data", 0);
        var device = new FbTableDef("Device").String("str", 0);
        var list = new FbTableDef("List").Vector("items", Items.Items_, 4).String("annotation_str", Items.AnnotationStr);
        var intList = new FbTableDef("IntList").Vector("items", Items.Items_, 8);
        var doubleList = new FbTableDef("DoubleList").Vector("items", Items.Items_, 8);
        var boolList = new FbTableDef("BoolList").Vector("items", Items.Items_, 1);
        var tuple = new FbTableDef("Tuple").Vector("items", Items.Items_, 4);
        var dict = new FbTableDef("Dict").Vector("keys", Dict.Keys, 4).Vector("values", Dict.Values, 4).String("annotation_str", Dict.AnnotationStr);
        var objectType = new FbTableDef("ObjectType").String("type_name", ObjectType.TypeName).Scalar("type", ObjectType.Type, 1)
            .VectorOfStrings("attr_names", ObjectType.AttrNames);
        var obj = new FbTableDef("Object").Scalar("type_index", Object.TypeIndex, 4).Scalar("state", Object.State, 4)
            .Vector("attrs", Object.Attrs, 4).Scalar("setstate_func", Object.SetStateFunc, 4);
        var enumValue = new FbTableDef("EnumValue").String("type_name", EnumValue.TypeName).Scalar("value", EnumValue.Value, 4);
        var op = new FbTableDef("Operator").String("name", Operator.Name).String("overload_name", Operator.OverloadName)
            .Scalar("num_args_serialized", Operator.NumArgsSerialized, 4);
        var arg = new FbTableDef("Arg").String("name", Arg.Name).String("type", Arg.Type).Scalar("default_value", Arg.DefaultValue, 4);
        var schema = new FbTableDef("Schema").VectorOfTables("arguments", Schema.Arguments, arg).VectorOfTables("returns", Schema.Returns, arg);
        var debugInfo = new FbTableDef("DebugInfo").Vector("debug_handle", 0, 8);
        var function = new FbTableDef("Function").String("qn", Function.Qn)
            .Vector("instructions", Function.Instructions, InstructionSize, InstructionAlign)
            .VectorOfTables("operators", Function.Operators, op).Vector("constants", Function.Constants, 4)
            .VectorOfStrings("type_annotations", Function.TypeAnnotations).Scalar("register_size", Function.RegisterSize, 4)
            .Table("schema", Function.Schema, schema).Table("debug_info", Function.DebugInfo, debugInfo)
            .Scalar("class_type", Function.ClassType, 4);
        var storage = new FbTableDef("StorageData").Vector("data", 0, 1);
        var union = new FbUnionDef("IValueUnion")
            .Struct((byte)PtmfIValueKind.Int, "Int", IntSize, 8)
            .Struct((byte)PtmfIValueKind.Bool, "Bool", BoolSize, 1)
            .Struct((byte)PtmfIValueKind.Double, "Double", DoubleSize, 8)
            .Struct((byte)PtmfIValueKind.ComplexDouble, "ComplexDouble", ComplexDoubleSize, 8)
            .Table((byte)PtmfIValueKind.TensorMetadata, "TensorMetadata", tensor)
            .Table((byte)PtmfIValueKind.String, "String", str)
            .Table((byte)PtmfIValueKind.List, "List", list)
            .Table((byte)PtmfIValueKind.Tuple, "Tuple", tuple)
            .Table((byte)PtmfIValueKind.Dict, "Dict", dict)
            .Table((byte)PtmfIValueKind.Object, "Object", obj)
            .Table((byte)PtmfIValueKind.IntList, "IntList", intList)
            .Table((byte)PtmfIValueKind.DoubleList, "DoubleList", doubleList)
            .Table((byte)PtmfIValueKind.BoolList, "BoolList", boolList)
            .Table((byte)PtmfIValueKind.Device, "Device", device)
            .Table((byte)PtmfIValueKind.EnumValue, "EnumValue", enumValue)
            .Table((byte)PtmfIValueKind.Function, "Function", function);
        var ivalue = new FbTableDef("IValue").Union("val", IValue.ValType, IValue.Val, union);
        var extraFile = new FbTableDef("ExtraFile").String("name", ExtraFile.Name).String("content", ExtraFile.Content);

        FunctionDef = function;
        ModuleDef = new FbTableDef("Module")
            .Scalar("bytecode_version", Module.BytecodeVersion, 4)
            .VectorOfTables("extra_files", Module.ExtraFiles, extraFile)
            .Vector("methods", Module.Methods, 4)
            .Scalar("state_obj", Module.StateObj, 4)
            .VectorOfTables("ivalues", Module.IValues, ivalue)
            .Scalar("storage_data_size", Module.StorageDataSize, 4)
            .VectorOfTables("storage_data", Module.StorageData, storage)
            .VectorOfTables("object_types", Module.ObjectTypes, objectType)
            .VectorOfTables("jit_sources", Module.JitSources, extraFile)
            .Vector("jit_constants", Module.JitConstants, 4)
            .Scalar("operator_version", Module.OperatorVersion, 4)
            .Scalar("mobile_ivalue_size", Module.MobileIValueSize, 4);
    }
}

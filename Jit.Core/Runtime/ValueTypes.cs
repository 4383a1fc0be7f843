using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime;

/// <summary>Checks runtime values against IR types at the boundary (graph inputs), with messages naming the slot.</summary>
public static class ValueTypes
{
    public static void Check(IValue v, JitType t, string where)
    {
        if (!Matches(v, t))
            throw new JitTypeException($"{where} expects a value of type {t} but got {Describe(v)}");
    }

    public static bool Matches(IValue v, JitType t) => t switch
    {
        AnyType => true,
        OptionalType o => v.IsNone || Matches(v, o.Element),
        TensorType tt => v.IsTensor && (tt.DType is null || tt.DType == v.AsTensor.DType)
                         && (tt.Rank is null || tt.Rank == v.AsTensor.Rank),
        IntType => v.IsInt,
        FloatType => v.IsDouble,
        BoolType => v.IsBool,
        NumberType => v.IsScalar,
        StringType => v.IsString,
        NoneType => v.IsNone,
        DeviceObjType => v.IsDevice,
        ListType l => v.IsList && v.AsList.Items.All(x => Matches(x, l.Element)),
        TupleType tup => v.IsTuple && v.AsTuple.Count == tup.Elements.Count
                         && v.AsTuple.Items.Zip(tup.Elements).All(p => Matches(p.First, p.Second)),
        DictType => v.IsDict,
        ClassType c => v.IsObject && v.AsObject.Type.Name == c.Name,
        _ => true,
    };

    public static string Describe(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => $"a {v.AsTensor.DType.PythonName()} tensor of shape {Tensors.ShapeUtil.Format(v.AsTensor.Sizes)}",
        IValueTag.None => "None",
        _ => $"{v.TagName} {v}",
    };
}

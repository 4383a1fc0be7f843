using Jit.Serialization.FlatBuffers;

namespace Jit.Tests.Serialization.FlatBuffers;

/// <summary>Hand-written schema of fixtures/flatbuffers/test.fbs and struct_union.fbs, slot for slot.</summary>
internal static class TestSchema
{
    // Root slots: the deprecated 'old' keeps slot 1; the type of a union takes the slot before it.
    public const int RootName = 0, RootOld = 1, RootScalars = 2, RootLeaves = 3, RootPoints = 4, RootCode = 5,
        RootTags = 6, RootBytes = 7, RootInts = 8, RootLongs = 9, RootDoubles = 10, RootBools = 11,
        RootPayloadType = 12, RootPayload = 13, RootChild = 14, RootBig = 15;

    public const byte PayloadLeaf = 1, PayloadScalars = 2;

    public static readonly FbTableDef Leaf = new FbTableDef("Leaf").String("name", 0).Scalar("value", 1, 8);

    public static readonly FbTableDef Scalars = new FbTableDef("Scalars")
        .Scalar("b", 0, 1).Scalar("ub", 1, 1).Scalar("s", 2, 2).Scalar("us", 3, 2)
        .Scalar("i", 4, 4).Scalar("ui", 5, 4).Scalar("l", 6, 8).Scalar("ul", 7, 8)
        .Scalar("f", 8, 4).Scalar("d", 9, 8).Scalar("flag", 10, 1).Scalar("color", 11, 1);

    public static readonly FbUnionDef Payload = new FbUnionDef("Payload").Table(PayloadLeaf, "Leaf", Leaf).Table(PayloadScalars, "Scalars", Scalars);

    public static readonly FbTableDef Root = BuildRoot();

    private static FbTableDef BuildRoot()
    {
        var root = new FbTableDef("Root");
        return root.String("name", RootName, required: true)
            .Table("scalars", RootScalars, Scalars)
            .VectorOfTables("leaves", RootLeaves, Leaf)
            .Vector("points", RootPoints, 12, 4)
            .Vector("code", RootCode, 8, 4)
            .VectorOfStrings("tags", RootTags)
            .Vector("bytes", RootBytes, 1)
            .Vector("ints", RootInts, 4)
            .Vector("longs", RootLongs, 8)
            .Vector("doubles", RootDoubles, 8)
            .Vector("bools", RootBools, 1)
            .Union("payload", RootPayloadType, RootPayload, Payload)
            .Table("child", RootChild, root)
            .Struct("big", RootBig, 16, 8);
    }

    // struct_union.fbs
    public const byte ValueNum = 1, ValueFlag = 2, ValuePair = 3, ValueName = 4;
    public static readonly FbTableDef Name = new FbTableDef("Name").String("text", 0);
    public static readonly FbUnionDef Value = new FbUnionDef("Value")
        .Struct(ValueNum, "Num", 8, 8).Struct(ValueFlag, "Flag", 1, 1).Struct(ValuePair, "Pair", 16, 8).Table(ValueName, "Name", Name);
    public static readonly FbTableDef Item = new FbTableDef("Item").Union("value", 0, 1, Value);
    public static readonly FbTableDef Items = new FbTableDef("Items").VectorOfTables("items", 0, Item);

    // A schema only our builder writes (flatc 2.0 cannot print vectors of unions): a vector of Value.
    public static readonly FbTableDef Bag = new FbTableDef("Bag").VectorOfUnions("values", 0, 1, Value).String("label", 2);
}

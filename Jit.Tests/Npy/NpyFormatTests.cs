using System.Globalization;
using Jit.Errors;
using Jit.Serialization.Npy;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Npy;

public sealed class NpyFormatTests
{
    public static TheoryData<string> Samples() =>
    [
        "f32_2x3", "f64_5", "f16_3x1x2", "i64_4", "i32_2x2", "i16_3", "i8_3", "u8_3", "bool_2x2", "f32_scalar", "f32_0x3", "f32_3x2_fortran",
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void ReadsWhatNumPyWrote(string name)
    {
        var t = NpyFormat.Read(OpCaseFile.FixturePath("npy", name + ".npy"));
        var lines = File.ReadAllLines(OpCaseFile.FixturePath("npy", name + ".txt"));
        var shape = lines[0][(lines[0].IndexOf(' ') + 1)..].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.Equal(shape, t.SizesArray());
        var expected = lines.Length > 1 ? lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [];
        Assert.Equal(expected, t.ToDoubleArray());
    }

    [Theory]
    [InlineData("f32_2x3_v2")]
    [InlineData("f32_2x3_v3")]
    public void ReadsFormatVersions2And3(string name)
    {
        var v1 = NpyFormat.Read(OpCaseFile.FixturePath("npy", "f32_2x3.npy"));
        var t = NpyFormat.Read(OpCaseFile.FixturePath("npy", name + ".npy"));
        Assert.Equal(v1.ToDoubleArray(), t.ToDoubleArray());
    }

    [Theory]
    [InlineData("bad_bigendian", "big-endian")]
    [InlineData("bad_complex", "not supported")]
    public void RejectsWhatItCannotRepresent(string name, string expected)
    {
        var e = Assert.Throws<JitFormatException>(() => NpyFormat.Read(OpCaseFile.FixturePath("npy", name + ".npy")));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void WriteThenReadRoundTripsEveryNumPyDType()
    {
        foreach (var dtype in DTypeInfo.All.Where(d => d != DType.BFloat16))
        {
            var t = Tensor.Empty(dtype, 3, 5);
            for (int i = 0; i < 15; i++) t.SetDouble(i, dtype == DType.Bool ? i % 2 : i - 4);
            var back = NpyFormat.Read(NpyFormat.ToBytes(t));
            ValueAssert.TensorClose(t, back, 0, 0, dtype.ToString());
        }
    }

    [Fact]
    public void WritesNonContiguousViewsInLogicalOrder()
    {
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var transposed = t.AsStrided([3, 2], [1, 3]);
        var back = NpyFormat.Read(NpyFormat.ToBytes(transposed));
        Assert.Equal(new double[] { 1, 4, 2, 5, 3, 6 }, back.ToDoubleArray());
    }

    [Fact]
    public void EveryTruncationIsAFormatError()
    {
        var bytes = File.ReadAllBytes(OpCaseFile.FixturePath("npy", "f32_2x3.npy"));
        for (int len = 0; len < bytes.Length; len++)
            Assert.Throws<JitFormatException>(() => NpyFormat.Read(bytes.AsSpan(0, len)));
    }

    [Fact]
    public void RandomCorruptionNeverEscapesAsAnotherException()
    {
        var good = File.ReadAllBytes(OpCaseFile.FixturePath("npy", "i64_4.npy"));
        var rng = new Random(1234);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])good.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            try { NpyFormat.Read(bytes); }
            catch (JitFormatException) { }
        }
    }

    [Fact]
    public void HugeShapeIsRejectedBeforeAllocating()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 100000000000), }";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 };
        bytes.AddRange(System.Text.Encoding.Latin1.GetBytes(header));
        var e = Assert.Throws<JitFormatException>(() => NpyFormat.Read(bytes.ToArray()));
        Assert.Contains("needs more data than the file holds", e.Message);
    }

    [Fact]
    public void MissingFileIsAFormatErrorNamingIt()
    {
        var e = Assert.Throws<JitFormatException>(() => NpyFormat.Read("no/such/file.npy"));
        Assert.Contains("no/such/file.npy", e.Message);
    }
}

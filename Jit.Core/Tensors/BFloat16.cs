namespace Jit.Tensors;

/// <summary>bfloat16 bit conversions (round to nearest even), as c10::BFloat16 does.</summary>
public static class BFloat16
{
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort FromSingle(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint u = BitConverter.SingleToUInt32Bits(value);
        uint roundingBias = 0x7FFFu + ((u >> 16) & 1u);
        return (ushort)((u + roundingBias) >> 16);
    }
}

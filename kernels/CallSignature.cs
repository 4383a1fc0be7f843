using Jit.Runtime;

namespace Jit.Kernels;

/// <summary>
/// What a template's kernel depends on, hashed without allocating: the op, each argument's kind,
/// each tensor's dtype and rank (never its sizes), and the value of every other argument, as
/// <see cref="ExternKernel.CacheKey"/> spells it. Two independent 64-bit hashes make a collision
/// between two real signatures vanishingly unlikely.
/// </summary>
internal static class CallSignature
{
    public static (ulong, ulong) Of(string op, ReadOnlySpan<IValue> arguments)
    {
        var h = new Hash(14695981039346656037UL, 0x9E3779B97F4A7C15UL);
        foreach (char c in op) h.Add(c);
        foreach (var a in arguments) Add(ref h, a);
        return (h.A, h.B);
    }

    private static void Add(ref Hash h, IValue v)
    {
        h.Add((ulong)v.Tag);
        switch (v.Tag)
        {
            case IValueTag.Tensor:
                h.Add((ulong)v.AsTensor.DType);
                h.Add((ulong)v.AsTensor.Rank);
                break;
            case IValueTag.Int: h.Add((ulong)v.AsInt); break;
            case IValueTag.Double: h.Add((ulong)BitConverter.DoubleToInt64Bits(v.AsDouble)); break;
            case IValueTag.Bool: h.Add(v.AsBool ? 1UL : 0UL); break;
            case IValueTag.String:
                foreach (char c in v.AsString) h.Add(c);
                break;
            case IValueTag.List:
                h.Add((ulong)v.AsList.Count);
                foreach (var item in v.AsList.Items) Add(ref h, item);
                break;
            case IValueTag.Tuple:
                h.Add((ulong)v.AsTuple.Count);
                foreach (var item in v.AsTuple.Items) Add(ref h, item);
                break;
        }
    }

    private struct Hash(ulong a, ulong b)
    {
        public ulong A = a, B = b;

        public void Add(ulong x)
        {
            A = (A ^ x) * 1099511628211UL;
            B = (B ^ (x + 0x632BE59BD9B4E019UL)) * 0xBF58476D1CE4E5B9UL;
            B ^= B >> 31;
        }
    }
}

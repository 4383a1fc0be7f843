using System.Runtime.CompilerServices;

namespace Jit.Serialization.FlatBuffers;

public sealed partial class FbVerifier
{
    // The verifier checks every field of every table; writing out what each check is about costs
    // more than the checks (about half of loading a small model). So the descriptions are built
    // only when a check fails: the interpolated-string handlers below (Debug.Assert's pattern)
    // skip their formatting unless their check fails, and FbName spells a field's path on demand.

    /// <summary>The description of a bounds check, formatted only when <see cref="OutOfBounds"/> holds.</summary>
    [InterpolatedStringHandler]
    private ref struct BoundsMessage
    {
        private DefaultInterpolatedStringHandler _text;

        public BoundsMessage(int literalLength, int formattedCount, FbVerifier verifier, long pos, long size, out bool failing)
        {
            failing = verifier.OutOfBounds(pos, size);
            _text = failing ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string s) => _text.AppendLiteral(s);
        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
        public string ToStringAndClear() => _text.ToStringAndClear();
    }

    /// <summary>The description of an alignment check, formatted only when <see cref="Misaligned"/> holds.</summary>
    [InterpolatedStringHandler]
    private ref struct AlignmentMessage
    {
        private DefaultInterpolatedStringHandler _text;

        public AlignmentMessage(int literalLength, int formattedCount, FbVerifier verifier, int pos, int alignment, out bool failing)
        {
            failing = verifier.Misaligned(pos, alignment);
            _text = failing ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string s) => _text.AppendLiteral(s);
        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
        public string ToStringAndClear() => _text.ToStringAndClear();
    }

    /// <summary>What a check is about, spelled out only for an error: "Table.field", "[i]" of a vector's element, "_type" of a union's types.</summary>
    private readonly struct FbName(string owner, string member = "", int index = -1, string suffix = "")
    {
        public FbName At(int i) => new(owner, member, i, suffix);
        public FbName Types => new(owner, member, index, suffix + "_type");

        public override string ToString() =>
            (member.Length == 0 ? owner : owner + "." + member) + suffix + (index >= 0 ? $"[{index}]" : "");
    }
}

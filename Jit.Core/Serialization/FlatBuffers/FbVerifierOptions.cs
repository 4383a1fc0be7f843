namespace Jit.Serialization.FlatBuffers;

/// <summary>Limits of <see cref="FbVerifier"/>; the defaults are those of the official C++ Verifier.</summary>
public sealed record FbVerifierOptions
{
    public static readonly FbVerifierOptions Default = new();

    /// <summary>Deepest allowed nesting of tables (official default 64); bounds recursion.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most table visits allowed (official default 1,000,000); shared subtrees count each
    /// time they are reached, so a small buffer cannot make verification take exponential time.</summary>
    public int MaxTables { get; init; } = 1_000_000;

    /// <summary>Check that scalars, structs, offsets and vector elements sit at aligned positions.</summary>
    public bool CheckAlignment { get; init; } = true;

    /// <summary>Check that strings are valid UTF-8 (the official Verifier leaves this to the reader).</summary>
    public bool CheckUtf8 { get; init; } = true;
}

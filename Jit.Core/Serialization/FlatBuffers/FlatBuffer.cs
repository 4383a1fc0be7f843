namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// A buffer that has passed <see cref="FbVerifier"/> against a root schema, and its root table.
/// Reads are zero-copy views into <see cref="Memory"/>.
/// </summary>
public sealed class FlatBuffer
{
    public ReadOnlyMemory<byte> Memory { get; }
    public FbTableDef RootDef { get; }
    public FbTable Root { get; }

    private FlatBuffer(ReadOnlyMemory<byte> memory, FbTableDef rootDef, int rootPosition)
    {
        Memory = memory;
        RootDef = rootDef;
        Root = new FbTable(memory, rootPosition);
    }

    /// <summary>Verifies, then wraps. Throws <see cref="Errors.JitFormatException"/> on any defect.</summary>
    public static FlatBuffer Open(ReadOnlyMemory<byte> memory, FbTableDef root, string? fileIdentifier = null,
        bool sizePrefixed = false, FbVerifierOptions? options = null)
    {
        int rootPos = FbVerifier.Verify(memory, root, fileIdentifier, sizePrefixed, options);
        return new FlatBuffer(memory, root, rootPos);
    }
}

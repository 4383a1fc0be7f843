namespace Jit.Errors;

/// <summary>A file or byte stream is malformed: bad identifier, offset out of range, bad UTF-8, truncated data.</summary>
public class JitFormatException : JitException
{
    /// <summary>Byte offset in the input where the problem was found, or -1 when not tied to one place.</summary>
    public long ByteOffset { get; }

    public JitFormatException(string message, long byteOffset = -1, Exception? inner = null)
        : base(byteOffset >= 0 ? $"{message} (at byte {byteOffset})" : message, inner)
    {
        ByteOffset = byteOffset;
    }
}

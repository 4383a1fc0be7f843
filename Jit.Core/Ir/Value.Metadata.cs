namespace Jit.Ir;

public sealed partial class Value
{
    /// <summary>Takes <paramref name="other"/>'s type and, if it has one, its debug name (PyTorch's <c>copyMetadata</c>).</summary>
    public Value CopyMetadataFrom(Value other)
    {
        Type = other.Type;
        if (other.DebugName is { } name) SetDebugName(name);
        return this;
    }
}

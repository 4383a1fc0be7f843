namespace Jit.Ir;

/// <summary>Where a node came from in the model's Python/TorchScript source: <c># file.py:12:8</c>.</summary>
public sealed record SourceRange(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

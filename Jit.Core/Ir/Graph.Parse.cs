namespace Jit.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// Parses PyTorch's textual IR (<c>graph(%x : Tensor): ... return (%y)</c>). Printing the result
    /// gives back the same text. Errors are <see cref="Errors.JitParseException"/>s with line and column.
    /// </summary>
    public static Graph Parse(string text, string? sourceName = null) => Text.IrParser.Parse(text, sourceName);
}

namespace Jit.Serialization.Ptmf;

/// <summary>
/// What <see cref="PtmfWriter.AddFunction"/> writes: a bytecode function. Constants and argument
/// defaults are ivalue indices; ClassType an object-type index. Null Arguments and Returns write
/// no schema; null DebugHandles no debug info.
/// </summary>
public sealed record PtmfFunctionInfo(
    string QualifiedName,
    IReadOnlyList<PtmfInstruction> Instructions,
    IReadOnlyList<PtmfOperator> Operators,
    IReadOnlyList<uint> Constants,
    IReadOnlyList<string> TypeAnnotations,
    int RegisterSize,
    IReadOnlyList<PtmfArg>? Arguments,
    IReadOnlyList<PtmfArg>? Returns,
    IReadOnlyList<long>? DebugHandles,
    uint ClassType)
{
    /// <summary>Everything a function read from a file holds, ready to write again.</summary>
    public static PtmfFunctionInfo From(PtmfFunction f) => new(
        f.QualifiedName, f.Instructions, f.Operators, f.Constants, f.TypeAnnotations, f.RegisterSize,
        f.HasSchema ? f.Arguments : null, f.HasSchema ? f.Returns : null, f.HasDebugInfo ? f.DebugHandles : null, f.ClassType);
}

namespace Jit.Serialization.Ptmf;

/// <summary>A schema argument or return: name, type text, and the ivalue index of its default value.</summary>
public sealed record PtmfArg(string Name, string Type, uint DefaultValue = 0);

namespace Jit.Serialization.Ptmf;

/// <summary>A named text file stored in the module (extra_files, jit_sources).</summary>
public sealed record PtmfExtraFile(string Name, string Content);

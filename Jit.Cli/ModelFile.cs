using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Ptmf;

namespace Jit.Cli;

/// <summary>
/// A file the CLI can run: a PyTorch flatbuffer module (told by its <c>PTMF</c> identifier, whatever
/// its extension), whose <c>forward</c> runs with the module as <c>self</c>; or a textual-IR graph
/// (<c>*.ir</c>), whose <c>self</c>, if it has one, is an empty object.
/// </summary>
public sealed class ModelFile
{
    private ModelFile(Graph graph, IValue? self)
    {
        Graph = graph;
        Self = self;
    }

    public Graph Graph { get; }
    /// <summary>The loaded module, when the file is a flatbuffer module.</summary>
    public JitModule? Module { get; private init; }
    /// <summary>The module object bound to the graph's first input, when the graph is a method.</summary>
    public IValue? Self { get; }

    public int UserInputCount => Graph.Inputs.Count - (Self is null ? 0 : 1);

    /// <summary>The trailing inputs the last <see cref="BindInputs"/> took from forward's defaults, as <c>name=value</c>.</summary>
    public IReadOnlyList<string> DefaultsUsed { get; private set; } = [];

    public static ModelFile Load(string path)
    {
        if (!File.Exists(path)) throw new JitException($"no such file: '{path}'");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JitException($"cannot read '{path}': {e.Message}");
        }
        if (PtmfModule.HasFileIdentifier(bytes))
        {
            try
            {
                var module = JitModule.Load(bytes);
                return new ModelFile(module.MethodGraph("forward"), IValue.FromObject(module.Object)) { Module = module };
            }
            catch (JitException e)
            {
                throw e.WithContext($"in {path}");
            }
        }
        var graph = Graph.Parse(System.Text.Encoding.UTF8.GetString(bytes), Path.GetFileName(path));
        graph.Lint();
        // A method's graph takes the module first; from the command line it is implicit.
        IValue? self = null;
        if (graph.Inputs.Count > 0 && graph.Inputs[0].Type is ClassType cls)
            self = IValue.FromObject(new ScriptObject(cls, new IValue[cls.Attributes.Count]));
        return new ModelFile(graph, self);
    }

    /// <summary>Reads one .npy per user input, shaped for each input's type (see <see cref="ValueFiles.FromTensor"/>).</summary>
    public IValue[] ReadInputs(IReadOnlyList<string> paths)
    {
        var inputs = Graph.Inputs.Skip(Self is null ? 0 : 1).ToArray();
        var values = new List<IValue>();
        for (int i = 0; i < paths.Count; i++)
        {
            var t = Jit.Serialization.Npy.NpyFormat.Read(paths[i]);
            values.Add(i < inputs.Length ? ValueFiles.FromTensor(t, inputs[i].Type, paths[i]) : IValue.FromTensor(t));
        }
        return BindInputs(values);
    }

    /// <summary>
    /// The inputs with <c>self</c> first where the graph has one. Trailing inputs left out take
    /// forward's declared defaults (an <c>Optional[Tensor] = None</c> mask, a flag), listed in
    /// <see cref="DefaultsUsed"/>; any other count is an error naming the graph's inputs.
    /// </summary>
    public IValue[] BindInputs(IReadOnlyList<IValue> userInputs)
    {
        var defaults = Module?.ForwardDefaults() ?? [];
        var declared = Graph.Inputs.Skip(Self is null ? 0 : 1).ToArray();
        var used = new List<string>();
        var filled = userInputs.ToList();
        for (int i = filled.Count; i < UserInputCount && i < defaults.Length && defaults[i] is { } d; i++)
        {
            filled.Add(d);
            used.Add($"{declared[i].DisplayName}={d}");
        }
        userInputs = filled;
        DefaultsUsed = used;
        if (userInputs.Count != UserInputCount)
        {
            var names = Graph.Inputs.Skip(Self is null ? 0 : 1).Select(v => $"%{v.DisplayName} : {v.Type}");
            throw new JitTypeException($"the graph takes {UserInputCount} inputs ({string.Join(", ", names)}) but {userInputs.Count} were given");
        }
        return Self is { } s ? [s, .. userInputs] : [.. userInputs];
    }
}

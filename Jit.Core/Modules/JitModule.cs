using Jit.Errors;
using Jit.Frontend.Bytecode;
using Jit.Ir;
using Jit.Runtime;
using Jit.Serialization;
using Jit.Serialization.Ptmf;

namespace Jit.Modules;

/// <summary>
/// A loaded PyTorch JIT module (flatbuffer / PTMF): its object tree, its methods as graphs, and its
/// extra files. Load with <see cref="Load(string)"/>; run with <see cref="Run"/>.
/// </summary>
public sealed class JitModule
{
    private readonly PtmfModule _file;
    private readonly Dictionary<string, PtmfFunction> _functions;
    private readonly Dictionary<string, Graph> _graphs = new(StringComparer.Ordinal);
    private readonly PtmfValueReader _values;

    private JitModule(PtmfModule file)
    {
        _file = file;
        _values = new PtmfValueReader(file);
        var state = _values.Read(file.StateObj);
        if (!state.IsObject)
            throw new JitFormatException($"the module's state object (ivalue {file.StateObj}) is a {state.TagName}, not an object");
        Object = state.AsObject;
        _functions = new Dictionary<string, PtmfFunction>(StringComparer.Ordinal);
        foreach (var f in file.MethodFunctions) _functions.TryAdd(f.QualifiedName, f);
        // A repeated name keeps its first content (as methods do) rather than failing the load.
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in file.ExtraFiles) extra.TryAdd(f.Name, f.Content);
        ExtraFiles = extra;
    }

    /// <summary>The root module object (its attributes: parameters, buffers, submodules, plain values).</summary>
    public ScriptObject Object { get; }
    public ClassType Type => Object.Type;
    public IReadOnlyDictionary<string, string> ExtraFiles { get; }
    public uint BytecodeVersion => _file.BytecodeVersion;

    /// <summary>Names of the root module's methods (<c>forward</c>, …).</summary>
    public IReadOnlyList<string> MethodNames =>
        _functions.Keys.Where(k => k.StartsWith(Type.Name + ".", StringComparison.Ordinal))
            .Select(k => k[(Type.Name.Length + 1)..]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads a file; large files are memory-mapped, so their weights are used in place.</summary>
    public static JitModule Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such model file: '{path}'", path);
        return Load(new FileInfo(path).Length >= MapThreshold ? MappedFile.Map(path) : File.ReadAllBytes(path));
    }

    // Below this, reading the file is cheaper than setting up a mapping.
    private const long MapThreshold = 1 << 20;

    public static JitModule Load(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Load(ms.ToArray());
    }

    public static JitModule Load(ReadOnlyMemory<byte> bytes) => new(PtmfModule.Load(bytes));

    /// <summary>The graph of a method of the root module, <c>self</c> its first input (built once, then cached).</summary>
    public Graph MethodGraph(string method = "forward") => MethodGraph(Type, method);

    /// <summary>Whether the file holds method <paramref name="method"/> of class <paramref name="cls"/> (a submodule's class, say).</summary>
    public bool HasMethod(ClassType cls, string method) => _functions.ContainsKey(cls.Name + "." + method);

    /// <summary>The graph of a method of any class in the file (what <c>Inline</c> needs for <c>prim::CallMethod</c>).</summary>
    public Graph MethodGraph(ClassType cls, string method)
    {
        string qualified = cls.Name + "." + method;
        if (_graphs.TryGetValue(qualified, out var g)) return g;
        if (!_functions.TryGetValue(qualified, out var fn))
        {
            var methods = _functions.Keys.Where(k => k.StartsWith(cls.Name + ".", StringComparison.Ordinal))
                .Select(k => k[(cls.Name.Length + 1)..]).Order(StringComparer.Ordinal);
            throw new JitException($"module {cls.Name} has no method '{method}' (methods: {string.Join(", ", methods)})");
        }
        g = BytecodeToGraph.Convert(ToBytecode(fn), _values.ResolveClass);
        _graphs[qualified] = g;
        return g;
    }

    private BytecodeFunction ToBytecode(PtmfFunction fn) => new(
        fn.QualifiedName,
        fn.Instructions.Select(i => new Instruction(i.OpCode, i.X, i.N)).ToArray(),
        fn.Operators.Select(o => new BytecodeOperator(o.Name, o.OverloadName, o.NumArgsSerialized)).ToArray(),
        fn.Constants.Select(c => _values.Read(c)).ToArray(),
        fn.TypeAnnotations,
        fn.RegisterSize,
        fn.Arguments.Select(a => new BytecodeArgument(a.Name, a.Type)).ToArray(),
        fn.Returns.Select(a => new BytecodeArgument(a.Name, a.Type)).ToArray());

    /// <summary>
    /// Runs a method on <paramref name="backend"/>; <paramref name="inputs"/> excludes <c>self</c>.
    /// Trailing arguments left out take the defaults the method declares (<c>mask=None</c>).
    /// </summary>
    public IValue Run(IBackend backend, string method, params IValue[] inputs)
    {
        var graph = MethodGraph(method);
        var args = _functions[Type.Name + "." + method].Arguments;
        var full = new List<IValue> { IValue.FromObject(Object) };
        full.AddRange(inputs);
        for (int i = full.Count; i < args.Length; i++)
            full.Add(DefaultOf(args[i]) ?? throw new JitTypeException(
                $"{method}() takes {args.Length - 1} inputs ({string.Join(", ", args.Skip(1).Select(a => a.Name))}) but {inputs.Length} were given, and '{args[i].Name}' has no default"));
        var outputs = new Interpreter(graph, backend).Run(full.ToArray());
        return outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs);
    }

    public IValue Forward(IBackend backend, params IValue[] inputs) => Run(backend, "forward", inputs);

    /// <summary>
    /// Prepares <c>forward</c> for <paramref name="device"/>, opened through
    /// <see cref="CompiledModuleOptions.Registry"/>: optimized once, then run by the static runtime.
    /// The result is safe to share between threads; dispose it to release its arenas and backend.
    /// </summary>
    public CompiledModule Compile(string device, CompiledModuleOptions? options = null)
    {
        options ??= new CompiledModuleOptions();
        var registry = options.Registry
            ?? throw new JitException("Compile needs a backend registry: CompiledModuleOptions { Registry = new BackendRegistry().AddCpu() }");
        var backend = registry.Open(device, options.Fallback);
        return CompiledModule.Create(MethodGraph("forward"), backend, ownsBackend: true, this, IValue.FromObject(Object), ForwardDefaults(), options);
    }

    /// <summary>Prepares <c>forward</c> for a backend the caller keeps owning.</summary>
    public CompiledModule Compile(IBackend backend, CompiledModuleOptions? options = null) =>
        CompiledModule.Create(MethodGraph("forward"), backend, ownsBackend: false, this, IValue.FromObject(Object), ForwardDefaults(),
            options ?? new CompiledModuleOptions());

    /// <summary>forward's declared defaults, one per argument after self (null where none is declared).</summary>
    public IValue?[] ForwardDefaults() => _functions[Type.Name + ".forward"].Arguments.Skip(1).Select(DefaultOf).ToArray();

    // PyTorch's serializer writes a None default as ivalue 0, the index that also means "no
    // default": an Optional argument reads it as None (the only default it can have), any other as none.
    private IValue? DefaultOf(PtmfArg arg) =>
        arg.DefaultValue != 0 ? _values.Read(arg.DefaultValue)
        : arg.Type.EndsWith('?') || arg.Type.StartsWith("Optional[", StringComparison.Ordinal) ? IValue.None : (IValue?)null;

    /// <summary>Writes the module as a PTMF file that PyTorch's loaders read.</summary>
    public void Save(string path) => File.WriteAllBytes(path, PtmfWriter.Rewrite(_file));
}

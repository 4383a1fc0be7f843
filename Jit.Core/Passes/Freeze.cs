using Jit.Errors;
using Jit.Ir;
using Jit.Passes.Analysis;
using Jit.Passes.Support;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Freezes a method graph against the module object bound to its first input (<c>%self</c>), as
/// PyTorch's <c>freeze_module</c> does: every <c>prim::GetAttr</c> chain on <c>%self</c> that ends
/// in a parameter, buffer or plain value becomes a <c>prim::Constant</c> named after the path
/// (<c>%self.conv.weight</c>), and the chains of submodule lookups left unused disappear.
/// An attribute the graph may change stays an attribute: one set by <c>prim::SetAttr</c>, or one
/// whose value (or an alias of it, or something it holds) an op may write in place, as the
/// shared <see cref="AliasAnalysis"/> says. <c>%self</c> stays an input, unused,
/// as in PyTorch's frozen graphs. The graph must be inlined (no <c>prim::CallMethod</c>).
/// </summary>
public sealed class Freeze : IGraphPass
{
    private readonly ScriptObject _module;
    private readonly HashSet<string> _preserved;

    /// <param name="module">The object the graph's <c>%self</c> is bound to at run time.</param>
    /// <param name="preservedAttributes">Attribute paths (<c>conv.weight</c>) to keep as attributes.</param>
    public Freeze(ScriptObject module, IEnumerable<string>? preservedAttributes = null)
    {
        _module = module;
        _preserved = new HashSet<string>(preservedAttributes ?? [], StringComparer.Ordinal);
    }

    public string Name => nameof(Freeze);

    public bool Run(Graph graph)
    {
        if (graph.Inputs.Count == 0 || graph.Inputs[0].Type is not ClassType selfType)
            throw new JitIrException("Freeze: the graph's first input must be the module (%self), of a class type");
        if (selfType.Name != _module.Type.Name)
            throw new JitIrException($"Freeze: %{graph.Inputs[0].DisplayName} is a {selfType.Name}, but the module given is a {_module.Type.Name}");
        if (graph.AllNodes().FirstOrDefault(n => n.Kind == "prim::CallMethod") is { } call)
            throw new JitIrException($"Freeze: the graph still calls methods ({call.ToString().Trim()}); run Inline first");

        var self = graph.Inputs[0];
        // Where each object-valued value points, first ignoring mutation, then again without
        // following attributes that may be reassigned.
        var mutated = FindMutated(graph, Resolve(graph, self, new Mutated()));
        var objects = Resolve(graph, self, mutated);
        bool changed = ReplaceAttributes(graph, objects, mutated);
        changed |= RemoveUnusedLookups(graph.Block);
        return changed;
    }

    /// <summary>Attributes the graph may change: by object and name, and by class and name where the object is unknown.</summary>
    private sealed class Mutated
    {
        public readonly HashSet<(ScriptObject, string)> Exact = [];
        public readonly HashSet<(string, string)> ByClass = [];

        public bool Contains(ScriptObject obj, string name) =>
            Exact.Contains((obj, name)) || ByClass.Contains((obj.Type.Name, name));
    }

    private sealed record Location(ScriptObject Object, string Path);

    private Dictionary<Value, Location> Resolve(Graph graph, Value self, Mutated mutated)
    {
        var objects = new Dictionary<Value, Location> { [self] = new(_module, "self") };
        foreach (var node in graph.AllNodes())
        {
            if (node.Kind != "prim::GetAttr" || !objects.TryGetValue(node.Input(0), out var owner)) continue;
            string name = node.StringAttr("name");
            if (mutated.Contains(owner.Object, name) || owner.Object.Type.AttributeIndex(name) < 0) continue;
            var value = owner.Object.GetAttr(name);
            if (value.IsObject) objects[node.Output()] = new(value.AsObject, owner.Path + "." + name);
        }
        return objects;
    }

    private static Mutated FindMutated(Graph graph, Dictionary<Value, Location> objects)
    {
        var mutated = new Mutated();
        var aliases = new AliasAnalysis(graph);
        foreach (var node in graph.AllNodes())
        {
            switch (node.Kind)
            {
                case "prim::SetAttr":
                {
                    string name = node.StringAttr("name");
                    if (objects.TryGetValue(node.Input(0), out var owner)) mutated.Exact.Add((owner.Object, name));
                    else if (node.Input(0).Type is ClassType c) mutated.ByClass.Add((c.Name, name));
                    break;
                }
                case "prim::GetAttr" when objects.TryGetValue(node.Input(0), out var owner) && MayChange(aliases, node.Output()):
                    mutated.Exact.Add((owner.Object, node.StringAttr("name")));
                    break;
            }
        }
        return mutated;
    }

    // A value attribute changes if it or anything it holds is written (a tensor in a list
    // attribute written in place); a submodule only if the object itself is (prim::SetAttr on
    // it): writing one of its attributes is that attribute's business.
    private static bool MayChange(AliasAnalysis aliases, Value attribute) =>
        attribute.Type is ClassType ? aliases.HasWriters(attribute) : aliases.HasWritersToContents(attribute);

    private bool ReplaceAttributes(Graph graph, Dictionary<Value, Location> objects, Mutated mutated)
    {
        bool changed = false;
        var constants = new Dictionary<(ScriptObject, string), Value>();
        Node? lastFrozen = null;
        foreach (var node in graph.AllNodes().ToList())
        {
            if (node.Kind != "prim::GetAttr" || !objects.TryGetValue(node.Input(0), out var owner)) continue;
            string name = node.StringAttr("name");
            if (objects.ContainsKey(node.Output()) || mutated.Contains(owner.Object, name)) continue;
            if (owner.Object.Type.AttributeIndex(name) < 0) continue;
            string path = owner.Path + "." + name;
            if (_preserved.Contains(path["self.".Length..])) continue;
            var value = owner.Object.GetAttr(name);
            if (!ConstantValues.CanBeConstant(value)) continue;

            if (!constants.TryGetValue((owner.Object, name), out var constant))
            {
                // Frozen values go to the top of the graph in the order first used, as PyTorch puts them.
                var anchor = (lastFrozen is null ? graph.Nodes.FirstOrDefault() : lastFrozen.Next) ?? graph.Block.ReturnNode;
                using (graph.InsertPointAt(anchor))
                    constant = ConstantValues.Insert(graph, value, node.Output().Type);
                constant.SetDebugName(path);
                constants[(owner.Object, name)] = constant;
                lastFrozen = constant.Node;
            }
            node.Output().ReplaceAllUsesWith(constant);
            node.Destroy();
            changed = true;
        }
        return changed;
    }

    // Submodule lookups (GetAttr of an object) whose results are no longer used.
    private static bool RemoveUnusedLookups(Block block)
    {
        bool changed = false;
        foreach (var node in block.NodesReversed)
        {
            foreach (var b in node.Blocks) changed |= RemoveUnusedLookups(b);
            if (node.Kind == "prim::GetAttr" && !node.Output().HasUses)
            {
                node.Destroy();
                changed = true;
            }
        }
        return changed;
    }
}

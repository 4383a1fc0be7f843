using Jit.Ir;

namespace Jit.Passes.Analysis;

// Module attributes and constants: memory the graph does not own but can name (external
// locations), one per (object, attribute name) of a prim::GetAttr chain rooted at a graph input.
public sealed partial class AliasAnalysis
{
    private void AnalyzeGetAttr(Node n)
    {
        if (n.Inputs.Count != 1 || n.Outputs.Count != 1) return;
        var output = n.Output();
        if (ObjectLocation(n.Input(0)) is not { } owner)
        {
            // An attribute of an object we cannot name (taken from a list, made here, reassigned):
            // whatever the object holds, or anything.
            PointToWildcard(output);
            Load(output, n.Input(0));
            return;
        }
        var (location, slot) = Attribute(owner, n.StringAttr("name"), output.Type);
        if (Pts(output) is { } p) _copies.Add((p, slot));
        if (output.Type is ClassType && !IsReassigned(output)) _objects[output] = location;
    }

    // prim::SetAttr writes the object (reads of any attribute must not move across it) and,
    // where the object has a name, that one attribute's location, which holds the stored value
    // from then on. The stored value outlives the run.
    private void AnalyzeSetAttr(Node n)
    {
        if (n.Inputs.Count == 0) return;
        var obj = n.Input(0);
        AddWrite(n, obj);
        for (int i = 1; i < n.Inputs.Count; i++) Escape(n.Inputs[i]);
        if (n.Inputs.Count != 2 || ObjectLocation(obj) is not { } owner) return;
        var value = n.Inputs[1];
        var (location, slot) = Attribute(owner, n.StringAttr("name"), value.Type);
        if (Pts(value) is { } p) _copies.Add((slot, p));
        var written = new PointsTo(AliasTypes.Of(value.Type));
        written.Locations.Add(location);
        AddWrittenMemory(n, written);
    }

    // The location of an object reached from a graph input by GetAttrs, or null when there is
    // none: not such a chain, or a link of it is reassigned by a prim::SetAttr somewhere (then
    // the path no longer names one object; AnalyzeGetAttr leaves such objects out).
    private MemoryLocation? ObjectLocation(Value obj)
    {
        if (_objects.TryGetValue(obj, out var known)) return known;
        if (obj.Type is not ClassType || Pts(obj) is not { } p || !Graph.Inputs.Contains(obj)) return null;
        var root = NewExternal($"%{obj.DisplayName}", obj.Type);
        p.Locations.Add(root);
        _objects[obj] = root;
        return root;
    }

    private (MemoryLocation Location, PointsTo Slot) Attribute(MemoryLocation owner, string name, JitType type)
    {
        if (_attributes.TryGetValue((owner, name), out var known)) return known;
        var location = NewExternal($"{owner.Origin}.{name}", type);
        // The object holds its attributes: escaping the object escapes them.
        owner.Contents.Add(location);
        var slot = new PointsTo(AliasTypeKinds.All);
        slot.Locations.Add(location);
        _attributes[(owner, name)] = (location, slot);
        return (location, slot);
    }

    private bool IsReassigned(Value obj)
    {
        if (_reassigned is null)
        {
            _reassigned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in Graph.AllNodes())
                if (n.Kind == "prim::SetAttr" && n.Inputs.Count > 0 && PathOf(n.Input(0)) is { } path)
                    _reassigned.Add(path + "." + n.StringAttr("name"));
        }
        return PathOf(obj) is { } p && _reassigned.Contains(p);
    }

    // "0.fc.weight" for GetAttr[weight](GetAttr[fc](graph input 0)); null for anything else.
    private string? PathOf(Value v)
    {
        for (int i = 0; i < Graph.Inputs.Count; i++)
            if (Graph.Inputs[i] == v) return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var n = v.Node;
        if (n.Kind != "prim::GetAttr" || n.Inputs.Count != 1) return null;
        return PathOf(n.Input(0)) is { } owner ? owner + "." + n.StringAttr("name") : null;
    }

    // External memory of type `type`: its elements are external too, one location per element
    // type, so a tensor taken from a list attribute is the attribute's, not anybody's.
    private MemoryLocation NewExternal(string origin, JitType type)
    {
        var location = new MemoryLocation(_nextLocation++, origin) { External = true };
        AddExternalContents(location, type);
        return location;
    }

    private void AddExternalContents(MemoryLocation location, JitType type)
    {
        switch (type)
        {
            case OptionalType o:
                AddExternalContents(location, o.Element);
                break;
            case UnionType u:
                foreach (var m in u.Members) AddExternalContents(location, m);
                break;
            case ListType l:
                AddExternalElement(location, l.Element);
                break;
            case DictType d:
                AddExternalElement(location, d.Key);
                AddExternalElement(location, d.Value);
                break;
            case TupleType t:
                foreach (var e in t.Elements) AddExternalElement(location, e);
                break;
            case AnyType or OpaqueType or Ops.TypeVariableType:
                location.Contents.Add(_wildcard);
                break;
        }
    }

    private void AddExternalElement(MemoryLocation container, JitType element)
    {
        if (AliasTypes.Of(element) != AliasTypeKinds.None) container.Contents.Add(NewExternal(container.Origin + "[*]", element));
    }
}

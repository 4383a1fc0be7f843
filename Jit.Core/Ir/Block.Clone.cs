namespace Jit.Ir;

public sealed partial class Block
{
    /// <summary>
    /// Appends a copy of <paramref name="source"/> to this (empty or not) block: its inputs become
    /// new inputs here, its nodes are cloned in order, its outputs are registered. Values defined
    /// inside <paramref name="source"/> map to their copies; any other value is looked up through
    /// <paramref name="valueMap"/> (PyTorch's <c>Block::cloneFrom</c>). Names, types, attributes and
    /// source ranges are kept.
    /// </summary>
    public void CloneFrom(Block source, Func<Value, Value> valueMap)
    {
        var local = new Dictionary<Value, Value>();
        Value Env(Value v) => local.TryGetValue(v, out var mapped) ? mapped : valueMap(v);
        foreach (var input in source.Inputs)
            local[input] = AddInput().CopyMetadataFrom(input);
        foreach (var node in source.Nodes)
        {
            var copy = AppendNode(Graph.CreateClone(node, Env));
            for (int i = 0; i < node.Outputs.Count; i++) local[node.Outputs[i]] = copy.Outputs[i];
        }
        foreach (var output in source.Outputs) RegisterOutput(Env(output));
    }
}

using Jit.Ir;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Passes;

/// <summary>
/// Moves every <c>prim::Constant</c>, nested blocks included, to the top of the graph and merges
/// identical ones (same output type, same attributes), as PyTorch's <c>ConstantPooling</c> does;
/// each constant is moved to the front in turn, so the pooled constants end up in reverse order
/// of first appearance, as in PyTorch's output. Tensors are identical when they are the same
/// object, or, up to <see cref="MaxTensorElements"/> elements, have the same dtype, sizes and
/// values. Constants of mutable types that a graph output may hold, or that may be written
/// (through any alias, or through what they hold), stay apart: merging would make them alias.
/// </summary>
public sealed class ConstantPooling : IGraphPass
{
    /// <param name="maxTensorElements">Larger tensors are merged only if they are the same object.</param>
    public ConstantPooling(long maxTensorElements = 1 << 16) => MaxTensorElements = maxTensorElements;

    public long MaxTensorElements { get; }

    public string Name => nameof(ConstantPooling);

    public bool Run(Graph graph)
    {
        var aliases = new AliasAnalysis(graph);
        var outputs = graph.Outputs.ToArray();
        var pool = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        bool changed = false;
        foreach (var node in graph.AllNodes().Where(n => n.Kind == "prim::Constant").ToList())
        {
            if (node.Outputs.Count != 1 || node.Blocks.Count > 0) continue;
            var output = node.Output();
            if (aliases.IsMutable(output) && (aliases.MayContainAlias([output], outputs) || aliases.HasWritersToContents(output))) continue;

            var first = graph.Nodes.First();
            if (first != node)
            {
                node.MoveBefore(first);
                changed = true;
            }
            string key = Signature(node);
            if (!pool.TryGetValue(key, out var bucket)) pool[key] = bucket = [];
            if (bucket.FirstOrDefault(existing => SameConstant(existing, node)) is { } same)
            {
                output.ReplaceAllUsesWith(same.Output());
                node.Destroy();
                changed = true;
            }
            else bucket.Add(node);
        }
        return changed;
    }

    // A cheap key that identical constants share; SameConstant decides within a bucket.
    private static string Signature(Node node)
    {
        var parts = new List<string> { node.Output().Type.ToString() };
        foreach (var (name, attr) in node.Attributes)
        {
            parts.Add(name);
            parts.Add(attr.Kind.ToString());
            if (attr.Value is long or double or string) parts.Add(attr.ToString());
            else if (attr.Value is Tensor t) parts.Add(t.ToString());
        }
        return string.Join("\u0001", parts);
    }

    private bool SameConstant(Node a, Node b)
    {
        if (!a.Output().Type.Equals(b.Output().Type) || a.Attributes.Count != b.Attributes.Count) return false;
        foreach (var (name, attr) in a.Attributes)
        {
            if (b.GetAttribute(name) is not { } other || other.Kind != attr.Kind) return false;
            if (!SameValue(attr.Value, other.Value)) return false;
        }
        return true;
    }

    private bool SameValue(object x, object y) => (x, y) switch
    {
        // Bitwise: 0.0 and -0.0, or two NaNs with different payloads, are different constants.
        (double dx, double dy) => BitConverter.DoubleToInt64Bits(dx) == BitConverter.DoubleToInt64Bits(dy),
        (long[] lx, long[] ly) => lx.AsSpan().SequenceEqual(ly),
        (double[] dx, double[] dy) => dx.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(dy.Select(BitConverter.DoubleToInt64Bits)),
        (string[] sx, string[] sy) => sx.SequenceEqual(sy, StringComparer.Ordinal),
        (Tensor tx, Tensor ty) => SameTensor(tx, ty),
        (IValue vx, IValue vy) => SameIValue(vx, vy),
        (JitType[] tx, JitType[] ty) => tx.SequenceEqual(ty),
        (Tensor[] tx, Tensor[] ty) => tx.Length == ty.Length && tx.Zip(ty).All(p => SameTensor(p.First, p.Second)),
        (Graph, Graph) or (Graph[], Graph[]) => ReferenceEquals(x, y),
        _ => Equals(x, y),
    };

    private bool SameIValue(IValue x, IValue y)
    {
        if (x.Tag != y.Tag) return false;
        return x.Tag switch
        {
            IValueTag.Tensor => SameTensor(x.AsTensor, y.AsTensor),
            IValueTag.Double => BitConverter.DoubleToInt64Bits(x.AsDouble) == BitConverter.DoubleToInt64Bits(y.AsDouble),
            IValueTag.String => x.AsString == y.AsString,
            IValueTag.List => x.AsList.ElementType.Equals(y.AsList.ElementType) && x.AsList.Count == y.AsList.Count
                              && x.AsList.Items.Zip(y.AsList.Items).All(p => SameIValue(p.First, p.Second)),
            IValueTag.Tuple => x.AsTuple.Count == y.AsTuple.Count && x.AsTuple.Items.Zip(y.AsTuple.Items).All(p => SameIValue(p.First, p.Second)),
            IValueTag.Dict => ReferenceEquals(x.AsDict, y.AsDict),
            IValueTag.Object => ReferenceEquals(x.AsObject, y.AsObject),
            _ => x.Equals(y),
        };
    }

    private bool SameTensor(Tensor x, Tensor y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x.DType != y.DType || !x.Sizes.SequenceEqual(y.Sizes) || !x.Strides.SequenceEqual(y.Strides)) return false;
        if (x.NumElements > MaxTensorElements) return false;
        bool integral = x.DType.IsIntegral(includeBool: true);
        for (long i = 0; i < x.NumElements; i++)
        {
            bool same = integral
                ? x.GetLong(i) == y.GetLong(i)
                : BitConverter.DoubleToInt64Bits(x.GetDouble(i)) == BitConverter.DoubleToInt64Bits(y.GetDouble(i));
            if (!same) return false;
        }
        return true;
    }
}

using Jit.Ir;
using Jit.Ir.Text;
using Jit.Passes.Analysis;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// The tensor-expression fuser (PyTorch's passes/tensorexpr_fuser.cpp, <c>FuseTensorExprs</c>):
/// gathers fusible nodes (elementwise ops and reductions, see <see cref="IsFusibleByDefault"/>)
/// into <c>prim::TensorExprGroup</c> nodes, each holding its nodes as a subgraph in the
/// <c>Subgraph</c> attribute, so a backend can compile each group into one kernel.
/// <para>
/// As PyTorch builds them: each block is scanned from its end; a fusible node becomes a singleton
/// group, which then pulls in its producers (latest first) while they are fusible, on the same
/// device and movable next to it without crossing a write to memory they touch (alias analysis);
/// a merge restarts the scan at the group. Nested blocks are fused on their own, then adjacent
/// groups of a block are merged. Groups computing fewer than <see cref="TensorExprFuserOptions.MinGroupSize"/>
/// nodes are inlined back. Values a group defines and later nodes use become group outputs;
/// non-tensor constants and 0-dim tensor constants are copied into the subgraph, other constants
/// are inputs. Last, each group is guarded (see TensorExprFuser.Guards.cs).
/// </para>
/// </summary>
public sealed partial class TensorExprFuser : IGraphPass
{
    /// <summary>The kind of a fusion group node.</summary>
    public const string GroupKind = Interpreter.TensorExprGroupKind;

    private readonly TensorExprFuserOptions _options;
    private readonly Func<Node, AliasAnalysis, bool> _isFusible;
    private AliasAnalysis _alias = null!;
    private int _groupsCreated;

    public TensorExprFuser(TensorExprFuserOptions? options = null)
    {
        _options = options ?? new TensorExprFuserOptions();
        _isFusible = _options.IsFusible ?? IsFusibleByDefault;
    }

    public string Name => nameof(TensorExprFuser);

    /// <summary>Fuses with the types the graph's values have now (run shape analysis first); returns whether any group was made.</summary>
    public bool Run(Graph graph)
    {
        // The analysis stays valid while fusing: merged nodes write nothing, and group nodes are
        // known to it as fresh-result, write-free nodes (AliasAnalysis.IsFusionGroup).
        _alias = new AliasAnalysis(graph);
        _constantOrigins.Clear();
        _groupsCreated = 0;
        CreateFusionGroups(graph.Block);
        // As in PyTorch, inline only once fusion is done: merging relies on every group being in place.
        InlineSmallGroups(graph.Block);
        if (_options.InsertGuards) GuardGroups(graph.Block);
        return _groupsCreated > 0;
    }

    /// <summary>Every fusion group of <paramref name="graph"/>, nested blocks included, in program order.</summary>
    public static IReadOnlyList<Node> Groups(Graph graph) => graph.AllNodes().Where(IsGroup).ToArray();

    /// <summary>The subgraph a fusion group computes.</summary>
    public static Graph Subgraph(Node group) =>
        group.GetAttribute(IrPrinter.SubgraphAttribute)?.Value as Graph
        ?? throw new Errors.JitIrException($"{group.Kind} has no subgraph");

    public static bool IsGroup(Node n) => n.Kind == GroupKind && n.GetAttribute(IrPrinter.SubgraphAttribute)?.Value is Graph;

    private bool CanHandle(Node n) => IsGroup(n) || _isFusible(n, _alias);

    private void CreateFusionGroups(Block block)
    {
        bool anyChanged = true;
        while (anyChanged)
        {
            anyChanged = false;
            for (var n = block.ReturnNode.PrevNode!; n != block.ParamNode;)
            {
                (n, bool changed) = ScanNode(n);
                anyChanged |= changed;
            }
        }
        foreach (var n in block.Nodes.ToList())
            for (int i = 0; i < n.Blocks.Count; i++)
                if (!IsFallbackBlock(n, i)) CreateFusionGroups(n.Blocks[i]);

        // Independent groups next to each other become one kernel launch.
        var groups = block.Nodes.Where(IsGroup).ToList();
        var previous = groups.Count > 0 ? groups[0] : null;
        for (int i = 1; i < groups.Count; i++)
            previous = TryMerge(groups[i], previous!) ?? groups[i];
    }

    // Returns the node to scan next (scanning goes backwards) and whether the graph changed.
    private (Node Next, bool Changed) ScanNode(Node n)
    {
        if (!CanHandle(n)) return (n.PrevNode!, false);
        var group = IsGroup(n) ? n : CreateSingletonGroup(n);
        foreach (var input in SortReverseTopological(group.Inputs, group.Owner!))
        {
            // A merge can change the group's inputs: scan the group again from the start.
            if (TryMerge(group, input.Node) is { } merged) return (merged, true);
        }
        return (group.PrevNode!, false);
    }

    // The distinct values defined by nodes of `block`, latest definition first.
    private static IEnumerable<Value> SortReverseTopological(IEnumerable<Value> values, Block block) =>
        values.Distinct().Where(v => v.Node.Owner == block && v.Node != block.ParamNode)
            .OrderByDescending(v => v.Node.TopoPosition).ToList();

    /// <summary>PyTorch's <c>tryMerge</c>: moves <paramref name="producer"/> next to the group and merges it in; null if it may not.</summary>
    private Node? TryMerge(Node group, Node producer)
    {
        if (!CanMerge(group, producer)) return null;
        if (!MoveNextTo(producer, group)) return null;
        if (IsGroup(producer)) MergeGroupInto(producer, group);
        else MergeNodeInto(producer, group);
        return group;
    }

    /// <summary>PyTorch's <c>canMerge</c>, less its <c>aten::cat</c> special case (lists are not fused here).</summary>
    private bool CanMerge(Node consumer, Node producer)
    {
        if (consumer.Owner != producer.Owner || consumer == producer) return false;
        if (!CanHandle(producer)) return false;
        int arguments = consumer.Inputs.Count + consumer.Outputs.Count + producer.Inputs.Count + producer.Outputs.Count;
        if (arguments > _options.MaxGroupArguments) return false;
        if (PickDevice(consumer.Inputs) is not { } cd || PickDevice(producer.Inputs) is not { } pd || cd != pd) return false;
        if (IsBroadcastInto(producer, consumer)) return false;
        return CouldMoveNextTo(producer, consumer);
    }

    /// <summary>
    /// Whether an elementwise producer's result is much smaller than a large result the consumer
    /// computes, so a fused kernel would recompute it for each element it is broadcast over: a
    /// squeeze-excite block's sigmoid over [1, 96, 1, 1] scaling [1, 96, 112, 112] ran 12544
    /// sigmoids per channel (efficientnet_b0: 2.7 ms of its 40). Unfused, it runs once per element
    /// of its own. Small results (under <see cref="BroadcastRecomputeElements"/>) and unknown sizes
    /// still fuse: there a separate op costs more than the recomputation.
    /// </summary>
    private static bool IsBroadcastInto(Node producer, Node consumer)
    {
        if (!IsGroup(producer) && AliasAnalysis.TryGetOp(producer) is not { Kind: Ops.OpKind.Elementwise }) return false;
        long produced = producer.Outputs.Max(Elements);
        if (produced == 0) return false;
        return consumer.Outputs.Any(c => Elements(c) >= BroadcastRecomputeElements && Elements(c) >= BroadcastRecomputeFactor * produced);
    }

    private const long BroadcastRecomputeElements = 1 << 14;
    private const long BroadcastRecomputeFactor = 8;

    // The device the tensors of `values` are on: null if they name different ones. Unknown
    // devices are the graph's own device (the one it runs on), written here as Device.Cpu's kind.
    private static DeviceKind? PickDevice(IEnumerable<Value> values)
    {
        DeviceKind? found = null;
        foreach (var v in values)
        {
            if (v.Type is not TensorType { Device: { } d }) continue;
            if (found is { } f && f != d.Kind) return null;
            found = d.Kind;
        }
        return found ?? DeviceKind.Cpu;
    }

    // Whether the producer can go just before the consumer or the consumer just after the producer.
    private bool CouldMoveNextTo(Node producer, Node consumer)
    {
        if (!producer.IsBefore(consumer)) return false;
        if (consumer.Prev == producer) return true;
        return _alias.CouldMoveAfter(producer, consumer.Prev!) || _alias.CouldMoveBefore(consumer, producer.Next!);
    }

    private bool MoveNextTo(Node producer, Node consumer)
    {
        if (consumer.Prev == producer) return true;
        if (_alias.MoveAfterIfValid(producer, consumer.Prev!)) return true;
        // The consumer moves up instead; it lands right after the producer.
        return _alias.MoveBeforeIfValid(consumer, producer.Next!);
    }

    // Whether block `index` of `n` is the unfused fallback of a guarded group: fusing it again would only duplicate the group.
    private static bool IsFallbackBlock(Node n, int index) =>
        index == 1 && n.Kind == "prim::If" && n.Inputs[0].Node.Kind == Interpreter.TypeCheckKind;

    private void InlineSmallGroups(Block block)
    {
        foreach (var n in block.Nodes.ToList())
        {
            for (int i = 0; i < n.Blocks.Count; i++)
                if (!IsFallbackBlock(n, i)) InlineSmallGroups(n.Blocks[i]);
            if (IsGroup(n) && n.Owner is not null && BlockSize(Subgraph(n).Block) < _options.MinGroupSize
                && !(n.Outputs.Any(o => Elements(o) >= _options.MinGroupElements) && OnlyElementwise(Subgraph(n).Block)))
                Unmerge(n);
        }
    }

    // A small group kept for its size must be all elementwise: a compiled reduction (softmax,
    // layer_norm) recomputes what the row kernels keep, and measured slower than them alone.
    private static bool OnlyElementwise(Block block) =>
        block.Nodes.All(n => IsBookkeeping(n) || AliasAnalysis.TryGetOp(n) is { Kind: Ops.OpKind.Elementwise });

    private static long Elements(Value v) =>
        v.Type is TensorType { ConcreteSizes: { } sizes } ? sizes.Aggregate(1L, (a, b) => a * b) : 0;

    // Constants and list constructions only come along with a "main" node: they neither count
    // toward a group's size nor decide what kind of work it does.
    private static bool IsBookkeeping(Node n) => n.Kind is "prim::Constant" or "prim::ListConstruct";

    // PyTorch's blockSize.
    private static int BlockSize(Block block)
    {
        int size = 0;
        foreach (var n in block.Nodes)
        {
            if (IsBookkeeping(n)) continue;
            foreach (var b in n.Blocks) size += BlockSize(b);
            size++;
        }
        return size;
    }
}

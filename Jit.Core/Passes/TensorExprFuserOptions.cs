using Jit.Ir;
using Jit.Passes.Analysis;

namespace Jit.Passes;

/// <summary>Settings of <see cref="TensorExprFuser"/>; the defaults are PyTorch 1.13's.</summary>
public sealed record TensorExprFuserOptions
{
    /// <summary>
    /// Groups computing fewer nodes than this (constants and list constructions not counted) are
    /// inlined back: a one-op kernel saves no memory traffic over the op's own kernel.
    /// </summary>
    public int MinGroupSize { get; init; } = 2;

    /// <summary>
    /// A group smaller than <see cref="MinGroupSize"/> is kept all the same when one of its outputs
    /// has at least this many elements (known sizes only) and it is all elementwise: there the
    /// compiled kernel's vector loop over every layout and broadcast, not its per-call cost,
    /// decides. The default keeps none.
    /// </summary>
    public long MinGroupElements { get; init; } = long.MaxValue;

    /// <summary>
    /// The most inputs plus outputs a merge may give two nodes together (PyTorch keeps NVRTC's
    /// kernel-argument limit in mind with 128).
    /// </summary>
    public int MaxGroupArguments { get; init; } = 128;

    /// <summary>
    /// Whether a node may go into a fusion group; null: <see cref="TensorExprFuser.IsFusibleByDefault"/>.
    /// A backend whose code generator lowers fewer ops narrows it. The alias analysis is the
    /// graph's as it was when the pass started.
    /// </summary>
    public Func<Node, AliasAnalysis, bool>? IsFusible { get; init; }

    /// <summary>Whether to wrap each group in a <c>prim::TypeCheck</c> guard with an unfused fallback (tests turn it off to look at bare groups).</summary>
    public bool InsertGuards { get; init; } = true;
}

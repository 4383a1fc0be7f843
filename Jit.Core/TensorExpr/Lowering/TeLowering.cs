using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

/// <summary>
/// Lowers the subgraph of a <c>prim::TensorExprGroup</c> to one <see cref="TeKernel"/>, each op
/// through its entry in <see cref="LoweringTable"/> (PyTorch's <c>TensorExprKernel</c>).
/// <para>
/// The kernel's contract, which every code generator and caller relies on:
/// <list type="bullet">
/// <item>Inputs: one buffer per subgraph input, in order. A tensor input has its dtype, its
///   rank, a size param per distinct symbolic size (<c>SS(-1)</c> → <c>s1</c>, shared by every
///   input with that symbol; static sizes are constants), and stride params (<c>x_stride0</c>...),
///   so strided and expanded inputs are read in place. A number input (int, float, bool) is a
///   rank-0 buffer of int64, float64 or bool: pass it as a 0-dim tensor.</item>
/// <item>Outputs: one contiguous buffer per subgraph output, in order, with the dtype the op
///   registry gives; sizes are expressions over the size params (a broadcast of two symbolic
///   sizes is <c>a == 1 ? b : a</c>, so any size may be 1 at run time).</item>
/// <item>Every param is a buffer size or stride, so <see cref="TeEvaluator"/> (and a backend)
///   reads them all off the bound tensors.</item>
/// <item>Elementwise chains inline into one expression per output; reductions, softmax and norm
///   statistics, and large values read several times are materialized into temporaries.</item>
/// </list>
/// </para>
/// </summary>
public static class TeLowering
{
    /// <summary>
    /// The kernel computing <paramref name="subgraph"/>. Throws <see cref="TeLoweringException"/>
    /// naming the node when some op has no lowering or an argument the kernel needs constant is
    /// not (the group then runs interpreted); use <see cref="TryLowerGroup"/> to get null instead.
    /// </summary>
    public static TeKernel LowerGroup(Graph subgraph, string name = "fused")
    {
        var builder = new TeBuilder(LoweringContext.Sanitize(name));
        var env = new Dictionary<Value, LoweredValue>();
        var symbols = new Dictionary<long, Var>();
        foreach (var input in subgraph.Inputs) env[input] = LowerInput(builder, input, symbols);
        foreach (var node in subgraph.Nodes) LowerNode(builder, node, env);
        for (int k = 0; k < subgraph.Outputs.Count; k++)
        {
            var v = env[subgraph.Outputs[k]];
            if (!v.IsTensor) throw new TeLoweringException($"group output {k} (%{subgraph.Outputs[k].DisplayName}) is not a tensor but {v}");
            builder.Compute($"out{k}", v.DType, v.Shape, i => v.At(i));
        }
        return builder.Build();
    }

    /// <summary>As <see cref="LowerGroup"/>, but null (with the reason) when the group cannot be lowered.</summary>
    public static TeKernel? TryLowerGroup(Graph subgraph, out string? reason, string name = "fused")
    {
        try
        {
            reason = null;
            return LowerGroup(subgraph, name);
        }
        catch (JitException e)
        {
            reason = e.Message;
            return null;
        }
    }

    private static LoweredValue LowerInput(TeBuilder builder, Value input, Dictionary<long, Var> symbols)
    {
        var name = LoweringContext.Sanitize(input.DisplayName);
        switch (input.Type)
        {
            case TensorType { DType: { } dtype, Sizes: { } sizes }:
            {
                var shape = new Expr[sizes.Count];
                for (int d = 0; d < shape.Length; d++)
                {
                    if (sizes[d] is { IsStatic: true } s) shape[d] = Expr.Int(s.Value);
                    else if (sizes[d] is { } sym)
                    {
                        if (!symbols.TryGetValue(sym.Value, out var v)) symbols[sym.Value] = v = builder.Size($"s{-sym.Value}");
                        shape[d] = v;
                    }
                    else shape[d] = builder.Size($"{name}_size{d}");
                }
                var buf = builder.Input(name, dtype, shape);
                return LoweredValue.Tensor(dtype, shape, buf.Load);
            }
            case IntType:
                return LoweredValue.OfScalar(builder.Input(name, DType.Int64, []).Load());
            case FloatType:
                return LoweredValue.OfScalar(builder.Input(name, DType.Float64, []).Load());
            case BoolType:
                return LoweredValue.OfScalar(builder.Input(name, DType.Bool, []).Load());
            default:
                throw new TeLoweringException($"group input %{input.DisplayName} of type {input.Type} cannot be a kernel input (a tensor needs a known dtype and rank)");
        }
    }

    private static void LowerNode(TeBuilder builder, Node node, Dictionary<Value, LoweredValue> env)
    {
        if (node.Kind is "prim::Constant" or "prim::ListConstruct")
        {
            var c = AbstractValue.Of(node.Output()).Constant
                    ?? throw new TeLoweringException($"{node.Kind} %{node.Output().DisplayName} is not a constant the kernel can use");
            env[node.Output()] = c.IsTensor ? TensorConstant(c.AsTensor, node) : LoweredValue.OfConstant(c);
            return;
        }
        if (node.Blocks.Count > 0) throw new TeLoweringException($"{node.Kind} has blocks; a kernel has no control flow");
        OpDef op;
        try { op = node.Op; }
        catch (JitException e) { throw new TeLoweringException($"{node.Kind}: {e.Message}"); }
        var overload = op.Schema.QualifiedOverloadName;
        var lowering = LoweringTable.Find(overload)
                       ?? throw new TeLoweringException($"no lowering for {overload} (node {node.ToString().Trim()})");
        var inputs = new List<LoweredValue>();
        foreach (var v in node.Inputs) inputs.Add(env[v]);
        var args = op.Schema.Arguments;
        for (int i = inputs.Count; i < args.Count; i++)
        {
            inputs.Add(args[i].DefaultValue is { } d ? LoweredValue.OfConstant(d)
                : throw new TeLoweringException($"{overload}: argument '{args[i].Name}' is missing and has no default"));
        }
        var ctx = new LoweringContext(builder, node, inputs);
        LoweredValue result;
        try { result = lowering(ctx, inputs); }
        catch (TeLoweringException) { throw; }
        catch (JitException e) { throw new TeLoweringException($"{overload}: {e.Message}"); }
        var outs = node.Outputs.Count == 1 ? [result] : result.Items;
        if (outs.Count != node.Outputs.Count)
            throw new TeLoweringException($"{overload}: the lowering gives {outs.Count} values for {node.Outputs.Count} outputs");
        for (int o = 0; o < outs.Count; o++)
        {
            var value = node.Outputs[o];
            var lowered = outs[o];
            Check(overload, value, lowered);
            // A large expression read by several nodes is computed once.
            env[value] = value.Uses.Count > 1 ? ctx.Share(lowered) : lowered;
        }
    }

    // The lowering must agree with the types shape analysis recorded (same registry rules); a
    // mismatch is a bug in a lowering, caught here rather than as wrong numbers.
    private static void Check(string overload, Value value, LoweredValue lowered)
    {
        if (value.Type is not TensorType t) return;
        if (!lowered.IsTensor) throw new TeLoweringException($"{overload}: lowered to {lowered.Kind}, the graph has a tensor");
        if (t.DType is { } dt && dt != lowered.DType)
            throw new TeLoweringException($"{overload}: lowered to {lowered.DType.PythonName()}, the graph says {dt.PythonName()}");
        if (t.Rank is { } r && r != lowered.Rank)
            throw new TeLoweringException($"{overload}: lowered to rank {lowered.Rank}, the graph says rank {r}");
    }

    // A 0-dim tensor constant copied into the group is a literal.
    private static LoweredValue TensorConstant(Tensor t, Node node)
    {
        if (t.Rank != 0) throw new TeLoweringException($"tensor constant %{node.Output().DisplayName} of shape [{string.Join(", ", t.SizesArray())}] must be a group input");
        var value = t.DType.IsFloatingPoint() ? Expr.Const(t.GetDouble(0), t.DType) : new IntImm(t.DType, t.GetLong(0));
        return LoweredValue.Tensor(t.DType, [], _ => value);
    }
}

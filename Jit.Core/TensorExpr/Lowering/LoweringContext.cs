using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

/// <summary>
/// What a lowering function sees besides its inputs: the node it lowers (for the registry's dtype
/// rule), and helpers for the shapes of broadcasts and reductions and for materializing values
/// into kernel temporaries. Index arithmetic is int64 throughout.
/// </summary>
public sealed class LoweringContext
{
    // A tensor whose element expression has more nodes than this is computed once into a
    // temporary before a lowering that reads it several times (gelu, softplus...), so chains of
    // such ops stay linear in size instead of doubling with every op.
    private const int ShareThreshold = 12;

    private readonly TeBuilder _builder;
    private int _temps;

    private readonly IReadOnlyList<LoweredValue> _inputs;
    private OpArgs? _args;

    internal LoweringContext(TeBuilder builder, Node node, IReadOnlyList<LoweredValue> inputs)
    {
        _builder = builder;
        Node = node;
        _inputs = inputs;
    }

    /// <summary>The node being lowered.</summary>
    public Node Node { get; }

    /// <summary>The op overload of <see cref="Node"/> in the registry.</summary>
    public OpDef Op => Node.Op;

    /// <summary>
    /// The abstract arguments of <see cref="Node"/> as the registry's rules see them: each tensor
    /// with the dtype and rank it was lowered to (so the rule never depends on how completely the
    /// subgraph is annotated), constants with their values, numbers with their static types.
    /// </summary>
    public OpArgs Args => _args ??= BuildArgs();

    private OpArgs BuildArgs()
    {
        var schema = Node.Schema;
        var values = new AbstractValue[_inputs.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var v = _inputs[i];
            values[i] = v.Kind switch
            {
                LoweredValueKind.Tensor => AbstractValue.OfTensor(new TensorType { DType = v.DType, Sizes = new ShapeSymbol?[v.Rank] }),
                LoweredValueKind.Constant => AbstractValue.OfConstant(v.Constant),
                _ => new AbstractValue(i < Node.Inputs.Count ? Node.Inputs[i].Type : schema.Arguments[i].Type),
            };
        }
        return new OpArgs(schema, values);
    }

    /// <summary>The dtype of tensor output <paramref name="output"/>, decided by the op's dtype rule (the registry's, never re-decided here).</summary>
    public DType OutputDType(int output = 0)
    {
        var t = Op.DType?.Invoke(Args, output) ?? (Node.Outputs[output].Type as TensorType)?.DType;
        return t ?? throw new TeLoweringException($"{Node.Kind}: the dtype of output {output} is unknown");
    }

    /// <summary>The dtype PyTorch computes a comparison in: result_type of the given arguments (TypePromotion).</summary>
    public DType ComputeDType(params int[] args) =>
        DTypeRules.ResultType(Args, args) ?? throw new TeLoweringException($"{Node.Kind}: cannot promote the dtypes of its operands");

    // ---- constant arguments ----

    public static double? Double(LoweredValue v) => v.Kind == LoweredValueKind.Constant && v.Constant.IsScalar ? v.Constant.AsDouble : null;

    public static string? String(LoweredValue v) => v.Kind == LoweredValueKind.Constant && v.Constant.IsString ? v.Constant.AsString : null;

    public long Int(LoweredValue v, string what) =>
        v.Kind == LoweredValueKind.Constant && (v.Constant.IsInt || v.Constant.IsBool) ? v.Constant.AsInt
        : throw new TeLoweringException($"{Node.Kind}: {what} must be a constant int, got {v}");

    public bool Bool(LoweredValue v, string what) =>
        v.Kind == LoweredValueKind.Constant && (v.Constant.IsBool || v.Constant.IsInt) ? v.Constant.AsInt != 0
        : throw new TeLoweringException($"{Node.Kind}: {what} must be a constant bool, got {v}");

    /// <summary>A constant int list (dims); a single int is a one-item list; None is null.</summary>
    public long[]? Ints(LoweredValue v, string what)
    {
        if (v.IsNone) return null;
        if (v.Kind == LoweredValueKind.Constant && v.Constant.IsInt) return [v.Constant.AsInt];
        if (v.Kind == LoweredValueKind.Constant && v.Constant.IsList && v.Constant.AsList.Items.All(i => i.IsInt))
            return v.Constant.AsList.Items.Select(i => i.AsInt).ToArray();
        throw new TeLoweringException($"{Node.Kind}: {what} must be a constant list of ints, got {v}");
    }

    /// <summary>The dtype a ScalarType argument names; null for None.</summary>
    public DType? ScalarType(LoweredValue v, string what)
    {
        if (v.IsNone) return null;
        long code = Int(v, what);
        if (!DTypeInfo.IsDefined((int)code)) throw new TeLoweringException($"{Node.Kind}: unsupported dtype code {code}");
        return (DType)code;
    }

    /// <summary>Wraps a possibly negative dim into [0, rank) (a rank-0 tensor accepts 0 and -1).</summary>
    public int WrapDim(long dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r) throw new TeLoweringException($"{Node.Kind}: dimension {dim} out of range for rank {rank}");
        return (int)(dim < 0 ? dim + r : dim);
    }

    // ---- scalars ----

    /// <summary>
    /// A number argument (constant, scalar expression or 0-dim tensor) as an expression of
    /// <paramref name="dtype"/>; int constants stay exact.
    /// </summary>
    public Expr Scalar(LoweredValue v, DType dtype)
    {
        switch (v.Kind)
        {
            case LoweredValueKind.Scalar: return Expr.Cast(v.Scalar!, dtype);
            case LoweredValueKind.Tensor when v.Rank == 0: return Expr.Cast(v.At([]), dtype);
            case LoweredValueKind.Constant when v.Constant.IsInt || v.Constant.IsBool:
                return dtype.IsFloatingPoint() ? new FloatImm(dtype, v.Constant.AsInt) : new IntImm(dtype, v.Constant.AsInt);
            case LoweredValueKind.Constant when v.Constant.IsDouble: return Expr.Const(v.Constant.AsDouble, dtype);
            default: throw new TeLoweringException($"{Node.Kind}: expected a number, got {v}");
        }
    }

    // ---- broadcasting ----

    /// <summary>
    /// The broadcast shape of the tensor operands (numbers take no part). Two symbolic sizes that
    /// are not the same expression may each be 1 at run time, so the size is <c>a == 1 ? b : a</c>.
    /// </summary>
    public static Expr[] BroadcastShape(IEnumerable<LoweredValue> operands)
    {
        var tensors = operands.Where(o => o.IsTensor).ToArray();
        int rank = tensors.Length == 0 ? 0 : tensors.Max(t => t.Rank);
        var shape = new Expr[rank];
        foreach (var t in tensors)
        {
            int lead = rank - t.Rank;
            for (int d = 0; d < t.Rank; d++)
                shape[lead + d] = shape[lead + d] is { } s ? BroadcastDim(s, t.Shape[d]) : t.Shape[d];
        }
        for (int d = 0; d < rank; d++) shape[d] ??= Expr.Int(1);
        return shape;
    }

    private static Expr BroadcastDim(Expr a, Expr b)
    {
        if (a.Equals(b) || b is IntImm { Value: 1 }) return a;
        if (a is IntImm { Value: 1 }) return b;
        // A static size other than 1 is the result whenever the broadcast is valid.
        if (a is IntImm) return a;
        if (b is IntImm) return b;
        return TeSimplifier.Simplify(Expr.Select(Expr.Eq(a, 1), b, a));
    }

    /// <summary>
    /// The element of <paramref name="v"/> read at position <paramref name="outIndices"/> of a
    /// broadcast of shape <paramref name="outShape"/>: dims align at the right, a size-1 dim reads
    /// index 0, a size that may be 1 at run time reads <c>size == 1 ? 0 : i</c>. A number is its expression.
    /// </summary>
    public Expr Broadcast(LoweredValue v, IReadOnlyList<Expr> outIndices, IReadOnlyList<Expr> outShape)
    {
        if (!v.IsTensor) return v.Kind == LoweredValueKind.Scalar ? v.Scalar! : Scalar(v, ConstantDType(v.Constant));
        int lead = outIndices.Count - v.Rank;
        if (lead < 0) throw new TeLoweringException($"{Node.Kind}: operand of rank {v.Rank} broadcast to rank {outIndices.Count}");
        var idx = new Expr[v.Rank];
        for (int d = 0; d < v.Rank; d++)
        {
            var size = v.Shape[d];
            var outSize = outShape[lead + d];
            if (size is IntImm { Value: 1 }) idx[d] = Expr.Int(0);
            else if (size.Equals(outSize) || size is IntImm) idx[d] = outIndices[lead + d];
            else idx[d] = Expr.Select(Expr.Eq(size, 1), Expr.Int(0), outIndices[lead + d]);
        }
        return v.At(idx);
    }

    private static DType ConstantDType(IValue c) => c.IsDouble ? DType.Float64 : c.IsBool ? DType.Bool : DType.Int64;

    /// <summary>
    /// An elementwise result of <paramref name="dtype"/> over broadcast operands (tensors and
    /// numbers): <paramref name="f"/> gets each operand's element expression as it is (a lowering
    /// casts to its compute dtype) and its result is cast to <paramref name="dtype"/>.
    /// </summary>
    public LoweredValue Pointwise(DType dtype, IReadOnlyList<LoweredValue> operands, Func<Expr[], Expr> f)
    {
        var shape = BroadcastShape(operands);
        var ops = operands.ToArray();
        return LoweredValue.Tensor(dtype, shape, i => Expr.Cast(f(ops.Select(o => Broadcast(o, i, shape)).ToArray()), dtype));
    }

    // ---- temporaries ----

    /// <summary>Computes <paramref name="v"/> into a contiguous kernel temporary and reads it from there.</summary>
    public LoweredValue Materialize(LoweredValue v, string? name = null)
    {
        if (!v.IsTensor) return v;
        var buf = _builder.Compute(TempName(name), v.DType, v.Shape, i => v.At(i), output: false);
        return LoweredValue.Tensor(v.DType, v.Shape, buf.Load);
    }

    /// <summary>
    /// <paramref name="v"/> ready to be read several times: materialized when its element
    /// expression is large, as is (inlined) when it is a load or a small expression.
    /// </summary>
    public LoweredValue Share(LoweredValue v)
    {
        if (!v.IsTensor) return v;
        var probe = Enumerable.Range(0, v.Rank).Select(d => (Expr)new Var($"probe{d}")).ToArray();
        return ExprSize(v.At(probe), ShareThreshold + 1) > ShareThreshold ? Materialize(v) : v;
    }

    private static int ExprSize(Expr e, int cap)
    {
        int n = 1;
        foreach (var child in Children(e))
        {
            if (n >= cap) break;
            n += ExprSize(child, cap - n);
        }
        return n;
    }

    private static IEnumerable<Expr> Children(Expr e) => e switch
    {
        BinaryExpr b => [b.A, b.B],
        UnaryExpr u => [u.X],
        CastExpr c => [c.X],
        SelectExpr s => [s.Cond, s.IfTrue, s.IfFalse],
        CallExpr c => c.Args,
        // Index expressions are cheap compared with the value; a load counts as one node.
        _ => [],
    };

    /// <summary>
    /// Reduces <paramref name="x"/> over <paramref name="dims"/> (wrapped, distinct) into a
    /// temporary of <paramref name="dtype"/>: <paramref name="map"/> (default: identity) gives the
    /// value combined for each input element, in <paramref name="accumulate"/> if given.
    /// </summary>
    public LoweredValue Reduce(LoweredValue x, IReadOnlyCollection<int> dims, bool keepdim, Reducer reducer, DType dtype,
        Func<IReadOnlyList<Expr>, Expr>? map = null, DType? accumulate = null, string? name = null)
    {
        var reduced = new bool[x.Rank];
        foreach (var d in dims) reduced[d] = true;
        var outShape = new List<Expr>();
        var redShape = new List<Expr>();
        for (int d = 0; d < x.Rank; d++)
        {
            if (reduced[d])
            {
                redShape.Add(x.Shape[d]);
                if (keepdim) outShape.Add(Expr.Int(1));
            }
            else outShape.Add(x.Shape[d]);
        }
        map ??= x.At;
        return ReduceInto(outShape, redShape, reducer, dtype, (i, r) =>
        {
            var full = new Expr[x.Rank];
            int oi = 0, ri = 0;
            for (int d = 0; d < x.Rank; d++)
            {
                if (reduced[d])
                {
                    full[d] = r[ri++];
                    if (keepdim) oi++;
                }
                else full[d] = i[oi++];
            }
            return map(full);
        }, accumulate, name);
    }

    /// <summary>
    /// A reduction of any index mapping into a temporary of shape <paramref name="outShape"/>:
    /// <paramref name="body"/> gives the value combined at output index i and reduction index r.
    /// </summary>
    public LoweredValue ReduceInto(IReadOnlyList<Expr> outShape, IReadOnlyList<Expr> reduceShape, Reducer reducer, DType dtype,
        Func<IReadOnlyList<Expr>, IReadOnlyList<Expr>, Expr> body, DType? accumulate = null, string? name = null)
    {
        var buf = _builder.Reduce(TempName(name), dtype, outShape, reduceShape, reducer, body, accumulate, output: false);
        return LoweredValue.Tensor(dtype, outShape, buf.Load);
    }

    /// <summary>The number of elements of the given dims of <paramref name="x"/> as an int64 expression.</summary>
    public static Expr Count(LoweredValue x, IEnumerable<int> dims)
    {
        Expr n = Expr.Int(1);
        foreach (var d in dims) n = TeSimplifier.Simplify(n * x.Shape[d]);
        return n;
    }

    /// <summary>
    /// The reduced dims of an op's dim argument: all of them for None or an empty list (PyTorch's
    /// "reduce all"), wrapped and de-duplicated otherwise.
    /// </summary>
    public int[] ReduceDims(LoweredValue dimArg, int rank)
    {
        var dims = Ints(dimArg, "dim");
        if (dims is null || dims.Length == 0) return Enumerable.Range(0, rank).ToArray();
        var r = dims.Select(d => WrapDim(d, rank)).ToArray();
        if (r.Distinct().Count() != r.Length) throw new TeLoweringException($"{Node.Kind}: a dim appears twice in [{string.Join(", ", dims)}]");
        // A rank-0 tensor reduces over nothing.
        return rank == 0 ? [] : r;
    }

    private string TempName(string? name)
    {
        var baseName = name ?? (Node.Outputs.Count > 0 ? Node.Outputs[0].DisplayName : null) ?? "t";
        return $"{Sanitize(baseName)}_tmp{_temps++}";
    }

    internal static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var s = new string(chars);
        return s.Length == 0 || char.IsAsciiDigit(s[0]) ? "v" + s : s;
    }
}

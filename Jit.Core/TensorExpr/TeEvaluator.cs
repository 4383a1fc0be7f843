using Jit.Errors;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// Runs any kernel on host tensors by walking the IR: the oracle every backend is tested against,
/// slow and obviously right. Buffers are bound to tensors with their real strides and storage
/// offsets; params are given or read off the bound tensors (a buffer size or stride that is a bare
/// param takes the tensor's value); every index is bounds-checked.
/// </summary>
public sealed class TeEvaluator
{
    private sealed record Binding(Tensor Tensor, long[] Sizes, long[] Strides);

    private readonly Dictionary<Var, Scalar> _vars = [];
    private readonly Dictionary<string, Binding> _buffers = [];

    private TeEvaluator() { }

    /// <summary>
    /// Runs <paramref name="kernel"/> with freshly allocated contiguous outputs, whose sizes must
    /// follow from the inputs and <paramref name="parameters"/>; returns the outputs.
    /// </summary>
    public static Tensor[] Run(TeKernel kernel, IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        var ev = new TeEvaluator();
        ev.BindAll(kernel, inputs, null, parameters);
        var outputs = kernel.Outputs.Select(b => ev.Allocate(b)).ToArray();
        for (int i = 0; i < outputs.Length; i++) ev.Bind(kernel.Outputs[i], outputs[i], infer: false);
        ev.Exec(kernel.Body);
        return outputs;
    }

    /// <summary>Runs <paramref name="kernel"/> writing into the given output tensors (any strides).</summary>
    public static void Run(TeKernel kernel, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        var ev = new TeEvaluator();
        ev.BindAll(kernel, inputs, outputs, parameters);
        ev.Exec(kernel.Body);
    }

    private void BindAll(TeKernel kernel, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? outputs, IReadOnlyDictionary<string, long>? parameters)
    {
        TeVerifier.Verify(kernel);
        if (inputs.Count != kernel.Inputs.Count)
            throw new JitRuntimeException($"kernel {kernel.Name} takes {kernel.Inputs.Count} inputs, got {inputs.Count}");
        if (outputs is not null && outputs.Count != kernel.Outputs.Count)
            throw new JitRuntimeException($"kernel {kernel.Name} has {kernel.Outputs.Count} outputs, got {outputs.Count}");
        if (parameters is not null)
        {
            foreach (var p in kernel.Params)
            {
                if (parameters.TryGetValue(p.Name, out long v)) _vars[p] = Scalar.Of(ScalarMath.Wrap(p.VarType, v));
            }
        }
        // Infer params from all tensors first, then check every buffer against its tensor.
        for (int i = 0; i < inputs.Count; i++) Infer(kernel.Inputs[i], inputs[i]);
        if (outputs is not null)
        {
            for (int i = 0; i < outputs.Count; i++) Infer(kernel.Outputs[i], outputs[i]);
        }
        foreach (var p in kernel.Params)
        {
            if (!_vars.ContainsKey(p)) throw new JitRuntimeException($"kernel {kernel.Name}: param {p.Name} is not bound and cannot be inferred");
        }
        for (int i = 0; i < inputs.Count; i++) Bind(kernel.Inputs[i], inputs[i], infer: false);
        if (outputs is not null)
        {
            for (int i = 0; i < outputs.Count; i++) Bind(kernel.Outputs[i], outputs[i], infer: false);
        }
    }

    private void Infer(TeBuffer b, Tensor t)
    {
        if (t.Rank != b.Rank) throw new JitRuntimeException($"buffer {b.Name} has rank {b.Rank}, tensor {t} has rank {t.Rank}");
        for (int d = 0; d < b.Rank; d++)
        {
            if (b.Sizes[d] is Var sv && !_vars.ContainsKey(sv)) _vars[sv] = Scalar.Of(t.Sizes[d]);
            if (b.Strides[d] is Var tv && !_vars.ContainsKey(tv)) _vars[tv] = Scalar.Of(t.Strides[d]);
        }
    }

    private void Bind(TeBuffer b, Tensor t, bool infer)
    {
        if (infer) Infer(b, t);
        if (t.DType != b.DType)
            throw new JitRuntimeException($"buffer {b.Name} is {b.DType.PythonName()}, tensor is {t.DType.PythonName()}");
        var sizes = b.Sizes.Select(Index).ToArray();
        var strides = b.Strides.Select(Index).ToArray();
        for (int d = 0; d < b.Rank; d++)
        {
            // A dim of size 0 or 1 is only ever read at index 0 (or never), so its stride is irrelevant.
            if (sizes[d] != t.Sizes[d] || (sizes[d] > 1 && strides[d] != t.Strides[d]))
                throw new JitRuntimeException(
                    $"buffer {b.Name}[{string.Join(", ", sizes)}] strides [{string.Join(", ", strides)}] does not match tensor sizes [{string.Join(", ", t.SizesArray())}] strides [{string.Join(", ", t.StridesArray())}]");
        }
        _buffers[b.Name] = new Binding(t, sizes, strides);
    }

    private Tensor Allocate(TeBuffer b)
    {
        var sizes = b.Sizes.Select(Index).ToArray();
        if (sizes.Any(s => s < 0)) throw new JitRuntimeException($"buffer {b.Name} has negative size [{string.Join(", ", sizes)}]");
        var strides = b.Strides.Select(Index).ToArray();
        long span = 1;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] == 0) { span = 0; break; }
            if (strides[d] < 0) throw new JitRuntimeException($"buffer {b.Name} has a negative stride");
            span += (sizes[d] - 1) * strides[d];
        }
        var t = new Tensor(new TensorStorage(Math.Max(span, 1) * b.DType.ElementSize()), b.DType, sizes, strides);
        return t;
    }

    private long Index(Expr e)
    {
        if (!e.DType.IsIntegral()) throw new JitRuntimeException($"index {e} is not an integer");
        return Eval(e).I;
    }

    private void Exec(Stmt s)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) Exec(x);
                break;
            case StoreStmt st:
                Write(st.Buffer, st.Indices, Eval(st.Value));
                break;
            case ReduceStmt r:
            {
                var t = r.Buffer.DType;
                long at = Offset(r.Buffer, r.Indices);
                var acc = Read(r.Buffer, at);
                var x = Eval(r.Value);
                WriteAt(r.Buffer, at, Combine(r.Reducer, t, acc, x));
                break;
            }
            case ForStmt f:
            {
                long start = Index(f.Start), stop = Index(f.Stop);
                // Annotations never change results: every loop runs serially here.
                for (long i = start; i < stop; i++)
                {
                    _vars[f.Index] = Scalar.Of(ScalarMath.Wrap(f.Index.VarType, i));
                    Exec(f.Body);
                }
                _vars.Remove(f.Index);
                break;
            }
            case IfStmt i:
                if (Eval(i.Cond).I != 0) Exec(i.Then);
                else if (i.Else is not null) Exec(i.Else);
                break;
            case AllocateStmt a:
            {
                var t = Allocate(a.Buffer);
                Poison(t);
                _buffers[a.Buffer.Name] = new Binding(t, t.SizesArray(), t.StridesArray());
                Exec(a.Body);
                _buffers.Remove(a.Buffer.Name);
                break;
            }
            case BarrierStmt:
                // Barriers sit between sibling thread loops, which run one after the other here.
                break;
            default:
                throw new JitRuntimeException($"unknown statement {s.GetType().Name}");
        }
    }

    // Fresh temporaries hold garbage on real targets; NaN (or a large odd integer) makes a read
    // before the first write visible in tests instead of silently reading zero.
    private static void Poison(Tensor t)
    {
        long n = t.Storage.ByteLength / t.DType.ElementSize();
        for (long i = 0; i < n; i++)
        {
            if (t.DType.IsFloatingPoint()) t.WriteDouble(i, double.NaN);
            else t.WriteLong(i, t.DType == DType.Bool ? 1 : 0x5A5A5A5A5A5A5A5A);
        }
    }

    private Scalar Combine(Reducer r, DType t, Scalar acc, Scalar x)
    {
        switch (r.Kind)
        {
            case ReduceKind.Sum: return ScalarMath.Binary(BinaryOp.Add, t, acc, x);
            case ReduceKind.Prod: return ScalarMath.Binary(BinaryOp.Mul, t, acc, x);
            case ReduceKind.Max: return ScalarMath.Binary(BinaryOp.Max, t, acc, x);
            case ReduceKind.Min: return ScalarMath.Binary(BinaryOp.Min, t, acc, x);
            case ReduceKind.Any: return ScalarMath.Binary(BinaryOp.Or, t, acc, x);
            case ReduceKind.All: return ScalarMath.Binary(BinaryOp.And, t, acc, x);
            default:
                _vars[r.Acc!] = acc;
                _vars[r.X!] = x;
                var v = Eval(r.Combiner!);
                _vars.Remove(r.Acc!);
                _vars.Remove(r.X!);
                return v;
        }
    }

    private long Offset(TeBuffer b, NodeList<Expr> indices)
    {
        if (!_buffers.TryGetValue(b.Name, out var bind)) throw new JitRuntimeException($"buffer {b.Name} is not bound");
        long offset = bind.Tensor.StorageOffset;
        for (int d = 0; d < indices.Count; d++)
        {
            long i = Index(indices[d]);
            if (i < 0 || i >= bind.Sizes[d])
                throw new JitRuntimeException($"{b.Name}: index {i} out of range [0, {bind.Sizes[d]}) in dim {d} ({indices[d]})");
            offset += i * bind.Strides[d];
        }
        return offset;
    }

    private Scalar Read(TeBuffer b, long offset)
    {
        var t = _buffers[b.Name].Tensor;
        return b.DType.IsFloatingPoint() ? Scalar.Of(t.ReadDouble(offset)) : Scalar.Of(t.ReadLong(offset));
    }

    private void Write(TeBuffer b, NodeList<Expr> indices, Scalar v) => WriteAt(b, Offset(b, indices), v);

    private void WriteAt(TeBuffer b, long offset, Scalar v)
    {
        var t = _buffers[b.Name].Tensor;
        if (b.DType.IsFloatingPoint()) t.WriteDouble(offset, v.F);
        else t.WriteLong(offset, v.I);
    }

    private Scalar Eval(Expr e)
    {
        switch (e)
        {
            case IntImm i: return Scalar.Of(i.Value);
            case FloatImm f: return Scalar.Of(f.Value);
            case Var v:
                return _vars.TryGetValue(v, out var s) ? s : throw new JitRuntimeException($"variable {v.Name} is not bound");
            case BinaryExpr b: return ScalarMath.Binary(b.Op, b.A.DType, Eval(b.A), Eval(b.B));
            case UnaryExpr u: return ScalarMath.Unary(u.Op, u.DType, Eval(u.X));
            case CastExpr c: return ScalarMath.Cast(c.X.DType, c.Target, Eval(c.X));
            case SelectExpr sel:
            {
                // Both branches are evaluated, as a vectorized backend does, so a kernel that
                // relies on select to guard an out-of-range load fails here, not on a device.
                var c = Eval(sel.Cond);
                var t = Eval(sel.IfTrue);
                var f = Eval(sel.IfFalse);
                return c.I != 0 ? t : f;
            }
            case CallExpr c:
            {
                var a = Eval(c.Args[0]);
                var b = c.Args.Count > 1 ? Eval(c.Args[1]) : default;
                return ScalarMath.Call(c.Fn, c.Args[0].DType, a, b);
            }
            case LoadExpr l: return Read(l.Buffer, Offset(l.Buffer, l.Indices));
            default: throw new JitRuntimeException($"unknown expression {e.GetType().Name}");
        }
    }
}

using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// How a compiled kernel's params are found and its buffers' sizes and strides computed, worked out
/// once per kernel: each param is read off a bound tensor (the first buffer whose size or stride is
/// exactly that param, inputs before outputs, as <see cref="TeEvaluator"/> infers them), and every
/// size or stride expression becomes a delegate over the param array. A call then binds in a few
/// array reads instead of walking expression trees through dictionaries, into a span the caller
/// owns (on its stack), so binding allocates nothing.
/// </summary>
internal sealed class TeParamBinding
{
    // For param k: where to read it (buffer number over inputs then outputs, dim, stride or size); -1 = none.
    private readonly (int Buffer, int Dim, bool Stride)[] _sources;
    private readonly ParamExpr[][] _sizes;
    private readonly ParamExpr[][] _strides;
    private readonly TeKernel _kernel;
    private readonly Dictionary<Var, int> _slots;

    public TeParamBinding(TeKernel kernel, IReadOnlyList<TeBuffer> temps)
    {
        _kernel = kernel;
        var slots = new Dictionary<Var, int>();
        for (int k = 0; k < kernel.Params.Count; k++) slots[kernel.Params[k]] = k;
        _slots = slots;
        var buffers = kernel.Inputs.Concat(kernel.Outputs).Concat(temps).ToArray();
        _sources = Enumerable.Repeat((-1, 0, false), kernel.Params.Count).ToArray();
        int bound = kernel.Inputs.Count + kernel.Outputs.Count;
        for (int b = bound - 1; b >= 0; b--)
        {
            var buf = buffers[b];
            for (int d = buf.Rank - 1; d >= 0; d--)
            {
                // Walking backwards leaves the first occurrence in place.
                if (buf.Strides[d] is Var sv && slots.TryGetValue(sv, out int ks)) _sources[ks] = (b, d, true);
                if (buf.Sizes[d] is Var zv && slots.TryGetValue(zv, out int kz)) _sources[kz] = (b, d, false);
            }
        }
        _sizes = buffers.Select(buf => buf.Sizes.Select(e => Compile(e, slots)).ToArray()).ToArray();
        _strides = buffers.Select(buf => buf.Strides.Select(e => Compile(e, slots)).ToArray()).ToArray();
    }

    /// <summary>A size or stride expression over the param values.</summary>
    public delegate long ParamExpr(ReadOnlySpan<long> prms);

    /// <summary>
    /// Any integer expression over the kernel's params (a GPU stage's work count, say) as a
    /// delegate over the param values; one it cannot evaluate fails when called, not here.
    /// </summary>
    public ParamExpr CompileExpr(Expr e) => Compile(e, _slots);

    public int ParamCount => _sources.Length;

    /// <summary>
    /// Writes into <paramref name="prms"/> (<see cref="ParamCount"/> long) the param values read off
    /// the tensors bound to the inputs and outputs (an output not yet made is None) or given by name.
    /// Numbers bound as 0-dim buffers have no sizes to read.
    /// </summary>
    public void Bind(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, IReadOnlyDictionary<string, long>? explicitValues, Span<long> prms)
    {
        for (int k = 0; k < prms.Length; k++)
        {
            if (explicitValues is not null && explicitValues.TryGetValue(_kernel.Params[k].Name, out long given))
            {
                prms[k] = given;
                continue;
            }
            var (b, d, stride) = _sources[k];
            var bound = b < 0 ? IValue.None : b < inputs.Length ? inputs[b] : b - inputs.Length < outputs.Length ? outputs[b - inputs.Length] : IValue.None;
            if (!bound.IsTensor)
                throw new JitRuntimeException($"kernel {_kernel.Name}: param {_kernel.Params[k].Name} is not bound and cannot be inferred");
            var t = bound.AsTensor;
            if (d >= t.Rank) throw new JitRuntimeException($"kernel {_kernel.Name}: a tensor of rank {t.Rank} is bound where rank {d + 1} or more is needed");
            prms[k] = stride ? t.Stride(d) : t.Size(d);
        }
    }

    public long Size(int buffer, int dim, ReadOnlySpan<long> prms) => _sizes[buffer][dim](prms);

    /// <summary>The bytes an allocation for buffer <paramref name="buffer"/> (of <paramref name="b"/>'s dtype) takes: its extent, at least one element (an empty buffer still gets an address).</summary>
    public long AllocationBytes(int buffer, TeBuffer b, ReadOnlySpan<long> prms) =>
        Math.Max(ElementExtent(buffer, b.Name, prms), 1) * b.DType.ElementSize();

    /// <summary>
    /// Elements from buffer <paramref name="buffer"/>'s first to one past its last under its sizes and
    /// strides (0 when it is empty): what an allocation for it must hold. <paramref name="name"/> names it in errors.
    /// </summary>
    public long ElementExtent(int buffer, string name, ReadOnlySpan<long> prms)
    {
        long span = 1;
        for (int d = 0; d < _sizes[buffer].Length; d++)
        {
            long size = Size(buffer, d, prms), stride = Stride(buffer, d, prms);
            if (size < 0) throw new JitRuntimeException($"kernel {_kernel.Name}: buffer {name} has a negative size in dim {d}");
            if (size == 0) return 0;
            if (stride < 0) throw new JitRuntimeException($"kernel {_kernel.Name}: buffer {name} has a negative stride");
            span = checked(span + (size - 1) * stride);
        }
        return span;
    }
    public long Stride(int buffer, int dim, ReadOnlySpan<long> prms) => _strides[buffer][dim](prms);

    private static ParamExpr Compile(Expr e, Dictionary<Var, int> slots)
    {
        switch (e)
        {
            case IntImm i:
            {
                long v = i.Value;
                return _ => v;
            }
            case Var v when slots.TryGetValue(v, out int k):
                return p => p[k];
            case BinaryExpr b:
            {
                var x = Compile(b.A, slots);
                var y = Compile(b.B, slots);
                var op = b.Op;
                return p => TeHostIndex.Binary(op, x(p), y(p));
            }
            case UnaryExpr { Op: UnaryOp.Neg } u:
            {
                var x = Compile(u.X, slots);
                return p => -x(p);
            }
            case CastExpr c when !c.X.DType.IsFloatingPoint():
                return Compile(c.X, slots);
            case SelectExpr s:
            {
                var c = Compile(s.Cond, slots);
                var t = Compile(s.IfTrue, slots);
                var f = Compile(s.IfFalse, slots);
                return p => c(p) != 0 ? t(p) : f(p);
            }
            default:
                // Left to fail only if a call needs it, with the same message the host evaluator gives.
                return _ => throw new JitRuntimeException($"cannot evaluate size expression {e} on the host");
        }
    }
}

using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// Builds a kernel the way NNC's <c>Compute</c> / <c>Reduce</c> do, so a lowering is a few lines:
/// <code>
/// var b = new TeBuilder("add_relu");
/// var n = b.Size("n");
/// var x = b.Input("x", DType.Float32, [n, 4]);
/// var y = b.Input("y", DType.Float32, [4]);              // broadcast along dim 0
/// b.Compute("out", DType.Float32, [n, 4], i => Expr.Max(x.LoadBroadcast(i) + y.LoadBroadcast(i), 0f));
/// TeKernel k = b.Build();
/// </code>
/// Inputs get stride params (any layout works); outputs and temporaries are contiguous.
/// </summary>
public sealed class TeBuilder(string name)
{
    private readonly List<Var> _params = [];
    private readonly List<TeBuffer> _inputs = [];
    private readonly List<TeBuffer> _outputs = [];
    private readonly List<TeBuffer> _temps = [];
    private readonly List<Stmt> _body = [];
    private readonly HashSet<string> _names = [];

    /// <summary>A symbolic size: an int64 kernel param, bound at launch (or read off an input).</summary>
    public Var Size(string sizeName)
    {
        var v = new Var(Unique(sizeName));
        _params.Add(v);
        return v;
    }

    /// <summary>
    /// An input of the given sizes; strides are params (<c>x_stride0</c>...) unless
    /// <paramref name="contiguous"/>, so strided and expanded (stride-0) views work unchanged.
    /// </summary>
    public TeBuffer Input(string bufferName, DType dtype, IReadOnlyList<Expr> sizes, bool contiguous = false)
    {
        bufferName = Unique(bufferName);
        NodeList<Expr> strides;
        if (contiguous) strides = TeBuffer.ContiguousStrides(sizes);
        else
        {
            var s = new Expr[sizes.Count];
            for (int d = 0; d < s.Length; d++)
            {
                var v = new Var(Unique($"{bufferName}_stride{d}"));
                _params.Add(v);
                s[d] = v;
            }
            strides = NodeList.Create<Expr>(s);
        }
        var b = new TeBuffer(bufferName, dtype, NodeList.From(sizes), strides);
        _inputs.Add(b);
        return b;
    }

    /// <summary>
    /// Appends <c>for idx in shape: buf[idx] = body(idx)</c> and returns the buffer: a kernel
    /// output, or a contiguous temporary when <paramref name="output"/> is false. The body's value
    /// is cast to <paramref name="dtype"/> if it differs.
    /// </summary>
    public TeBuffer Compute(string bufferName, DType dtype, IReadOnlyList<Expr> shape, Func<IReadOnlyList<Var>, Expr> body, bool output = true)
    {
        var buf = TeBuffer.Contiguous(Unique(bufferName), dtype, shape);
        var idx = LoopVars(buf.Name, "i", shape.Count);
        _body.Add(Nest(idx, shape, buf.Store(idx, body(idx))));
        (output ? _outputs : _temps).Add(buf);
        return buf;
    }

    /// <summary>
    /// Appends a reduction: for each output index, starts from the reducer's init, combines
    /// <c>body(outIdx, redIdx)</c> over every <paramref name="reduceShape"/> index, and stores it.
    /// With <paramref name="accumulate"/> set (float32 for a float16 sum, as PyTorch does), the
    /// accumulation runs in a local scalar of that dtype and is cast once at the end.
    /// </summary>
    public TeBuffer Reduce(string bufferName, DType dtype, IReadOnlyList<Expr> shape, IReadOnlyList<Expr> reduceShape,
        Reducer reducer, Func<IReadOnlyList<Var>, IReadOnlyList<Var>, Expr> body, DType? accumulate = null, bool output = true)
    {
        var buf = TeBuffer.Contiguous(Unique(bufferName), dtype, shape);
        var idx = LoopVars(buf.Name, "i", shape.Count);
        var red = LoopVars(buf.Name, "r", reduceShape.Count);
        var accType = accumulate ?? dtype;
        var value = Expr.Cast(body(idx, red), accType);
        Stmt perElement;
        if (accType == dtype)
        {
            perElement = new BlockStmt([
                buf.Store(idx, reducer.Init(dtype)),
                Nest(red, reduceShape, new ReduceStmt(buf, NodeList.From<Expr>(idx), reducer, value)),
            ]);
        }
        else
        {
            var acc = TeBuffer.Contiguous(Unique($"{buf.Name}_acc"), accType, []);
            perElement = new AllocateStmt(acc, new BlockStmt([
                acc.Store([], reducer.Init(accType)),
                Nest(red, reduceShape, new ReduceStmt(acc, NodeList<Expr>.Empty, reducer, value)),
                buf.Store(idx, acc.Load()),
            ]));
        }
        _body.Add(Nest(idx, shape, perElement));
        (output ? _outputs : _temps).Add(buf);
        return buf;
    }

    /// <summary>Appends a hand-written statement.</summary>
    public void Add(Stmt stmt) => _body.Add(stmt);

    /// <summary>A fresh variable name, unique in this kernel (for hand-written loops).</summary>
    public Var NewVar(string baseName) => new(Unique(baseName));

    /// <summary>The kernel: the body in order, temporaries allocated around it, simplified and verified.</summary>
    public TeKernel Build()
    {
        Stmt body = new BlockStmt(NodeList.From(_body));
        for (int i = _temps.Count - 1; i >= 0; i--) body = new AllocateStmt(_temps[i], body);
        var k = new TeKernel(name, NodeList.From(_params), NodeList.From(_inputs), NodeList.From(_outputs), body);
        k = TeSimplifier.Simplify(k);
        TeVerifier.Verify(k);
        return k;
    }

    private Var[] LoopVars(string prefix, string kind, int count)
    {
        var r = new Var[count];
        for (int d = 0; d < count; d++) r[d] = new Var(Unique($"{prefix}_{kind}{d}"));
        return r;
    }

    private static Stmt Nest(IReadOnlyList<Var> idx, IReadOnlyList<Expr> shape, Stmt inner)
    {
        for (int d = idx.Count - 1; d >= 0; d--) inner = new ForStmt(idx[d], 0, shape[d], inner);
        return inner;
    }

    private string Unique(string baseName)
    {
        string n = baseName;
        for (int k = 1; !_names.Add(n); k++) n = $"{baseName}{k}";
        return n;
    }
}

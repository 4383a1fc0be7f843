using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Building;

/// <summary>
/// Assembles a template's kernel: inputs bound to call arguments (a size param per dim unless a
/// size is shared with another buffer, a stride param per dim), contiguous outputs, and the body.
/// Sharing a size var between buffers states a shape constraint the binder checks (the inner dim
/// of a product, the channels of a conv).
/// </summary>
internal sealed class KernelBuilder(TemplateArgs args)
{
    private readonly List<Var> _params = [];
    private readonly List<TeBuffer> _inputs = [];
    private readonly List<TeBuffer> _outputs = [];
    private readonly List<Stmt> _body = [];
    private readonly List<int> _tensorArguments = [];
    private readonly HashSet<string> _names = [];

    public TemplateArgs Args => args;

    /// <summary>
    /// The input for <paramref name="tensor"/>, argument <paramref name="argument"/> (the same
    /// argument again for each element of a tensor list). A null or missing entry of
    /// <paramref name="sizes"/> becomes a fresh size param.
    /// </summary>
    public TeBuffer Input(string bufferName, Tensor tensor, int argument, IReadOnlyList<Expr?>? sizes = null)
    {
        bufferName = Unique(bufferName);
        var shape = new Expr[tensor.Rank];
        var strides = new Expr[tensor.Rank];
        for (int d = 0; d < tensor.Rank; d++)
        {
            shape[d] = sizes is not null && d < sizes.Count && sizes[d] is { } given ? given : Param($"{bufferName}_size{d}");
            strides[d] = Param($"{bufferName}_stride{d}");
        }
        var buffer = new TeBuffer(bufferName, tensor.DType, NodeList.Create(shape), NodeList.Create(strides));
        _inputs.Add(buffer);
        if (!_tensorArguments.Contains(argument)) _tensorArguments.Add(argument);
        return buffer;
    }

    /// <summary>A contiguous output of the given sizes.</summary>
    public TeBuffer Output(string bufferName, DType dtype, IReadOnlyList<Expr> sizes)
    {
        var buffer = TeBuffer.Contiguous(Unique(bufferName), dtype, sizes.Select(TeSimplifier.Simplify).ToArray());
        _outputs.Add(buffer);
        return buffer;
    }

    /// <summary>A fresh variable (loop index) named after <paramref name="baseName"/>.</summary>
    public Var NewVar(string baseName) => new(Unique(baseName));

    /// <summary>A fresh name for a temporary buffer.</summary>
    public string NewName(string baseName) => Unique(baseName);

    public void Add(Stmt stmt) => _body.Add(stmt);

    /// <summary>The kernel, simplified and verified, with the call's tensor arguments and cache key.</summary>
    public ExternKernel Build()
    {
        var kernel = new TeKernel(args.KernelName, NodeList.From(_params), NodeList.From(_inputs), NodeList.From(_outputs),
            new BlockStmt(NodeList.From(_body)));
        kernel = TeSimplifier.Simplify(kernel);
        TeVerifier.Verify(kernel);
        return new ExternKernel(kernel, [.. _tensorArguments], args.CacheKey());
    }

    private Var Param(string paramName)
    {
        var v = new Var(Unique(paramName));
        _params.Add(v);
        return v;
    }

    private string Unique(string baseName)
    {
        string n = baseName;
        for (int k = 1; !_names.Add(n); k++) n = $"{baseName}{k}";
        return n;
    }
}

using Jit.Ops;

namespace Jit.Ir;

public sealed partial class Node
{
    private OpDef? _op;
    private int _opInputCount = -1;

    /// <summary>
    /// The op overload this node calls, resolved in <see cref="OpRegistry.Default"/> from the input
    /// types and cached (re-resolved if inputs were added or removed). A
    /// <see cref="Errors.JitSchemaException"/> if the kind is unknown or no overload matches.
    /// </summary>
    public OpDef Op
    {
        get
        {
            if (_op is null || _opInputCount != _inputs.Count)
            {
                _op = OpRegistry.Default.Resolve(this);
                _opInputCount = _inputs.Count;
            }
            return _op;
        }
    }

    /// <summary>The schema of <see cref="Op"/>.</summary>
    public FunctionSchema Schema => Op.Schema;

    /// <summary>Forgets the cached overload (after changing input types).</summary>
    public void InvalidateSchema() => _op = null;

    /// <summary>
    /// The output types the op's dtype rule and shape function give for this node's input types and
    /// constant arguments (tensor returns refined; others as declared).
    /// </summary>
    public JitType[] InferOutputTypes() => Op.InferOutputTypes(OpArgs.FromNode(this, Schema));
}

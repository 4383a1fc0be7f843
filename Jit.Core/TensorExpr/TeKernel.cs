using System.Text;

namespace Jit.TensorExpr;

/// <summary>
/// A tensor-expression kernel: reads <see cref="Inputs"/>, writes <see cref="Outputs"/>, with
/// symbolic int64 <see cref="Params"/> (sizes and strides bound at launch) used by the buffers'
/// shapes and by the body.
/// </summary>
public sealed record TeKernel(string Name, NodeList<Var> Params, NodeList<TeBuffer> Inputs, NodeList<TeBuffer> Outputs, Stmt Body)
{
    /// <summary>
    /// A hash of the printed form, stable across processes and runs (unlike GetHashCode), for
    /// caching compiled kernels; equal kernels have equal hashes.
    /// </summary>
    public ulong StructuralHash()
    {
        // FNV-1a over the UTF-8 of the printed kernel: the printer shows every field.
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(TePrinter.Print(this)))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }

    public override string ToString() => TePrinter.Print(this);
}

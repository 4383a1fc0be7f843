using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels;

/// <summary>
/// One extern op as a tensor-expression kernel that any TE backend renders.
/// <list type="bullet">
/// <item><see cref="Kernel"/>: inputs are the tensors of <see cref="TensorArguments"/> in that
///   order (a <c>Tensor[]</c> argument contributes each element), read in place through stride
///   params; outputs are the op's results, contiguous, sized by expressions over the params; every
///   param is a bare size or stride of some input or output, so binding the tensors binds the
///   params; the op's non-tensor arguments are constants in the body.</item>
/// <item><see cref="TensorArguments"/>: positions of the schema arguments the kernel reads.</item>
/// <item><see cref="CacheKey"/>: the op, its tensors' dtypes and ranks and its constant
///   arguments: one compiled kernel serves every call with the same key, whatever the sizes and
///   strides (for sizes the op accepts; validating them is the caller's job, as for any kernel).</item>
/// </list>
/// </summary>
public sealed record ExternKernel(TeKernel Kernel, int[] TensorArguments, string CacheKey)
{
    /// <summary>The kernel's input tensors taken from the op's <paramref name="arguments"/> (every schema argument, in order).</summary>
    public Tensor[] Inputs(ReadOnlySpan<IValue> arguments)
    {
        var inputs = new List<Tensor>();
        foreach (int position in TensorArguments)
        {
            var value = arguments[position];
            if (value.IsList) inputs.AddRange(value.AsList.Items.Select(item => item.AsTensor));
            else inputs.Add(value.AsTensor);
        }
        return [.. inputs];
    }
}

using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime;

/// <summary>
/// What a <c>prim::TypeCheck</c> guard checks of the tensors entering a fusion group, against
/// the types in its <c>types</c> attribute (one per checked input):
/// <list type="bullet">
/// <item>the value is a tensor (an undefined/None value fails);</item>
/// <item>its dtype equals the type's dtype, and its rank the type's rank (when the type has them);</item>
/// <item>each static dim of the type equals the tensor's size there; symbolic dims (<c>SS(-n)</c>)
///   accept any size, but one symbol must stand for one size across every checked input (two
///   inputs proven to share a dim still share it), so a new batch size passes the guard;</item>
/// <item>strides: when the type records every stride, the tensor's strides equal them; otherwise
///   any strides pass (unlike PyTorch's NNC, which specializes kernels to contiguous inputs: our
///   lowering binds each input's strides as kernel params, so a view such as a chunk or a
///   transpose feeds the fused kernel directly instead of sending the group to its fallback);</item>
/// <item>the device, when the type names one, is the device the graph runs on.</item>
/// </list>
/// requires_grad is not checked: the runtime is inference only.
/// </summary>
public static class TypeGuard
{
    /// <summary>Whether every value of <paramref name="values"/> matches its type in <paramref name="types"/>.</summary>
    public static bool Check(ReadOnlySpan<IValue> values, IReadOnlyList<JitType> types, Device device)
    {
        if (values.Length != types.Count) return false;
        // Made only when a symbolic dim is met: a guard over static types allocates nothing.
        Dictionary<long, long>? symbols = null;
        for (int i = 0; i < values.Length; i++)
        {
            if (types[i] is not TensorType t) continue;
            if (!values[i].IsTensor || !Matches(values[i].AsTensor, t, device, ref symbols)) return false;
        }
        return true;
    }

    private static bool Matches(Tensor x, TensorType t, Device device, ref Dictionary<long, long>? symbols)
    {
        if (t.DType is { } dt && dt != x.DType) return false;
        if (t.Device is { } named && named.Kind != device.Kind) return false;
        if (t.Sizes is not { } sizes) return true;
        if (sizes.Count != x.Rank) return false;
        for (int d = 0; d < sizes.Count; d++)
        {
            if (sizes[d] is not { } s) continue;
            long actual = x.Sizes[d];
            if (s.IsStatic)
            {
                if (s.Value != actual) return false;
            }
            else if ((symbols ??= []).TryGetValue(s.Value, out long bound))
            {
                if (bound != actual) return false;
            }
            else symbols[s.Value] = actual;
        }
        if (t.Strides is { } strides && strides.Count == sizes.Count && strides.All(s => s is not null))
        {
            for (int d = 0; d < strides.Count; d++)
                if (strides[d]!.Value != x.Strides[d] && x.Sizes[d] != 1) return false;
        }
        return true;
    }
}

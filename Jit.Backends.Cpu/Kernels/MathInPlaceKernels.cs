using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// The in-place (<c>op_</c>) variants graphs use: each runs its functional overload (same
/// arguments, same order) and writes the result into self, which it returns. The result must keep
/// self's shape and be castable to self's dtype, as PyTorch requires. float32 add_, sub_ (alpha
/// ±1), mul_ and div_ write self directly instead (<see cref="StridedMathZip"/>).
/// </summary>
internal static class MathInPlaceKernels
{
    // In-place overload → functional overload. Names differ where PyTorch's do (floor_divide_.Tensor).
    private static readonly (string InPlace, string Functional)[] Pairs =
    [
        ("aten::add_.Tensor", "aten::add.Tensor"), ("aten::add_.Scalar", "aten::add.Scalar"),
        ("aten::sub_.Tensor", "aten::sub.Tensor"), ("aten::sub_.Scalar", "aten::sub.Scalar"),
        ("aten::mul_.Tensor", "aten::mul.Tensor"), ("aten::mul_.Scalar", "aten::mul.Scalar"),
        ("aten::div_.Tensor", "aten::div.Tensor"), ("aten::div_.Scalar", "aten::div.Scalar"),
        ("aten::div_.Tensor_mode", "aten::div.Tensor_mode"), ("aten::div_.Scalar_mode", "aten::div.Scalar_mode"),
        ("aten::floor_divide_.Tensor", "aten::floor_divide"), ("aten::floor_divide_.Scalar", "aten::floor_divide.Scalar"),
        ("aten::remainder_.Tensor", "aten::remainder.Tensor"), ("aten::remainder_.Scalar", "aten::remainder.Scalar"),
        ("aten::pow_.Tensor", "aten::pow.Tensor_Tensor"), ("aten::pow_.Scalar", "aten::pow.Tensor_Scalar"),
        ("aten::eq_.Tensor", "aten::eq.Tensor"), ("aten::eq_.Scalar", "aten::eq.Scalar"),
        ("aten::ne_.Tensor", "aten::ne.Tensor"), ("aten::ne_.Scalar", "aten::ne.Scalar"),
        ("aten::lt_.Tensor", "aten::lt.Tensor"), ("aten::lt_.Scalar", "aten::lt.Scalar"),
        ("aten::le_.Tensor", "aten::le.Tensor"), ("aten::le_.Scalar", "aten::le.Scalar"),
        ("aten::gt_.Tensor", "aten::gt.Tensor"), ("aten::gt_.Scalar", "aten::gt.Scalar"),
        ("aten::ge_.Tensor", "aten::ge.Tensor"), ("aten::ge_.Scalar", "aten::ge.Scalar"),
        ("aten::logical_and_", "aten::logical_and"), ("aten::logical_or_", "aten::logical_or"),
        ("aten::logical_xor_", "aten::logical_xor"), ("aten::logical_not_", "aten::logical_not"),
        ("aten::bitwise_and_.Tensor", "aten::bitwise_and.Tensor"), ("aten::bitwise_and_.Scalar", "aten::bitwise_and.Scalar"),
        ("aten::bitwise_or_.Tensor", "aten::bitwise_or.Tensor"), ("aten::bitwise_or_.Scalar", "aten::bitwise_or.Scalar"),
        ("aten::bitwise_xor_.Tensor", "aten::bitwise_xor.Tensor"), ("aten::bitwise_xor_.Scalar", "aten::bitwise_xor.Scalar"),
        ("aten::bitwise_not_", "aten::bitwise_not"),
        ("aten::__iand__.Tensor", "aten::__and__.Tensor"), ("aten::__iand__.Scalar", "aten::__and__.Scalar"),
        ("aten::__ior__.Tensor", "aten::__or__.Tensor"), ("aten::__ior__.Scalar", "aten::__or__.Scalar"),
        ("aten::__ixor__.Tensor", "aten::__xor__.Tensor"), ("aten::__ixor__.Scalar", "aten::__xor__.Scalar"),
        ("aten::abs_", "aten::abs"), ("aten::neg_", "aten::neg"), ("aten::sign_", "aten::sign"),
        ("aten::ceil_", "aten::ceil"), ("aten::floor_", "aten::floor"), ("aten::round_", "aten::round"),
        ("aten::round_.decimals", "aten::round.decimals"),
        ("aten::exp_", "aten::exp"), ("aten::expm1_", "aten::expm1"), ("aten::log_", "aten::log"), ("aten::log1p_", "aten::log1p"),
        ("aten::sqrt_", "aten::sqrt"), ("aten::rsqrt_", "aten::rsqrt"), ("aten::reciprocal_", "aten::reciprocal"),
        ("aten::sin_", "aten::sin"), ("aten::cos_", "aten::cos"), ("aten::erf_", "aten::erf"),
        ("aten::sigmoid_", "aten::sigmoid"), ("aten::tanh_", "aten::tanh"),
        ("aten::clamp_", "aten::clamp"), ("aten::clamp_.Tensor", "aten::clamp.Tensor"),
        ("aten::clamp_min_", "aten::clamp_min"), ("aten::clamp_min_.Tensor", "aten::clamp_min.Tensor"),
        ("aten::clamp_max_", "aten::clamp_max"), ("aten::clamp_max_.Tensor", "aten::clamp_max.Tensor"),
        ("aten::relu_", "aten::relu"), ("aten::gelu_", "aten::gelu"), ("aten::silu_", "aten::silu"), ("aten::mish_", "aten::mish"),
        ("aten::elu_", "aten::elu"), ("aten::leaky_relu_", "aten::leaky_relu"), ("aten::hardtanh_", "aten::hardtanh"),
        ("aten::hardswish_", "aten::hardswish"), ("aten::hardsigmoid_", "aten::hardsigmoid"),
        ("aten::masked_fill_.Scalar", "aten::masked_fill.Scalar"), ("aten::masked_fill_.Tensor", "aten::masked_fill.Tensor"),
    ];

    /// <summary>
    /// Functional overloads whose out-variant fast path computes each output element from the
    /// operands' elements at the same position (or from one value read before any write), so it
    /// may write into an operand: run with self as the destination, it is the in-place op without
    /// the functional result and the copy (allocation-free in the static runtime). Where the fast
    /// path declines (another dtype, layout, a broadcast it does not take) the functional kernel runs.
    /// </summary>
    private static readonly HashSet<string> WritesSelfInPlace = new(StringComparer.Ordinal)
    {
        "aten::add.Tensor", "aten::add.Scalar", "aten::sub.Tensor", "aten::sub.Scalar",
        "aten::mul.Tensor", "aten::mul.Scalar", "aten::div.Tensor", "aten::div.Scalar",
        "aten::exp", "aten::log", "aten::sqrt", "aten::rsqrt", "aten::sin", "aten::cos", "aten::erf",
        "aten::sigmoid", "aten::tanh", "aten::neg", "aten::abs", "aten::relu", "aten::silu", "aten::gelu",
        "aten::leaky_relu", "aten::clamp", "aten::hardtanh", "aten::hardswish", "aten::hardsigmoid", "aten::pow.Tensor_Scalar",
    };

    /// <summary>Registers the in-place variants; call after the functional families and their out-variants.</summary>
    public static void Register(KernelTable t)
    {
        foreach (var (inPlace, functional) in Pairs)
        {
            if (!t.TryGet(functional, out var f))
                throw new JitException($"in-place kernel '{inPlace}' needs '{functional}', which is not registered");
            string op = inPlace["aten::".Length..];
            // The out-variant's fast path (for add/sub/mul/div of float32 any layout, the strided
            // vector loop of StridedMathZip) with self as the destination: no result tensor.
            Out.OutFastPath? fast = WritesSelfInPlace.Contains(functional) && Out.OutSupport.TryGetFastPath(functional, out var path) ? path : null;
            t.Add(inPlace, (i, o) =>
            {
                if (fast is not null && i[0].IsTensor && NoPartialOverlap(i) && fast(i, i[0].AsTensor))
                {
                    o[0] = i[0];
                    return;
                }
                f(i, o);
                o[0] = StridedMathElementwise.WriteInto(op, i[0].AsTensor, o[0].AsTensor);
            });
        }
    }

    // Every other tensor operand is in other memory than self (storages, possibly distinct objects
    // over one arena, that do not overlap), or is self's very view: then writing self element by
    // element never changes an element still to be read.
    private static bool NoPartialOverlap(ReadOnlySpan<IValue> inputs)
    {
        var self = inputs[0].AsTensor;
        if (!self.IsHost) return false;
        var selfBytes = self.Storage.Bytes.Span;
        for (int k = 1; k < inputs.Length; k++)
        {
            if (!inputs[k].IsTensor) continue;
            var other = inputs[k].AsTensor;
            if (!other.IsHost) return false;
            if (!selfBytes.Overlaps(other.Storage.Bytes.Span, out int shift)) continue;
            bool sameView = other.DType == self.DType
                && shift + other.StorageOffset * other.DType.ElementSize() == self.StorageOffset * self.DType.ElementSize()
                && other.Sizes.SequenceEqual(self.Sizes) && other.Strides.SequenceEqual(self.Strides);
            if (!sameView) return false;
        }
        return true;
    }
}

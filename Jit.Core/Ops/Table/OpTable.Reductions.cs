using Jit.Tensors;
using static Jit.Ops.DTypeRules;
using static Jit.Ops.Shapes;

namespace Jit.Ops;

public static partial class OpTable
{
    /// <summary>Reductions over some or all dims.</summary>
    private static OpDef[] Reductions() =>
    [
        Op("aten::max.other(Tensor self, Tensor other) -> Tensor", OpKind.Elementwise, Promote(0, 1), Broadcast(0, 1)),
        Op("aten::max(Tensor self) -> Tensor", OpKind.Reduction, SameDType(0), ReduceAll(0, needsElements: true)),
        Op("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", OpKind.Reduction, ValuesAndIndices(0), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::prod(Tensor self, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, SumLike(0, 1), ReduceAll(0)),
        Op("aten::prod.dim_int(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, SumLike(0, 3), Reduce(0, 1, 2)),
        Op("aten::logsumexp(Tensor self, int[1] dim, bool keepdim=False) -> Tensor", OpKind.Reduction, FloatOf(0), Reduce(0, 1, 2)),
        Op("aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, SumLike(0, 3), Reduce(0, 1, 2)),
        Op("aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, SumLike(0, 1), ReduceAll(0)),
        Op("aten::sum.int(int[] self) -> int", OpKind.Host),
        Op("aten::sum.float(float[] self) -> float", OpKind.Host),
        Op("aten::sum.bool(bool[] self) -> int", OpKind.Host),
        Op("aten::min.other(Tensor self, Tensor other) -> Tensor", OpKind.Elementwise, Promote(0, 1), Broadcast(0, 1)),
        Op("aten::min(Tensor self) -> Tensor", OpKind.Reduction, SameDType(0), ReduceAll(0, needsElements: true)),
        Op("aten::min.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", OpKind.Reduction, ValuesAndIndices(0), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", OpKind.Reduction, SameDType(0), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor", OpKind.Reduction, SameDType(0), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::any.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", OpKind.Reduction, AnyAll(0), Reduce(0, 1, 2)),
        Op("aten::any(Tensor self) -> Tensor", OpKind.Reduction, AnyAll(0), ReduceAll(0)),
        Op("aten::any.str(str[] self) -> bool", OpKind.Host),
        Op("aten::any.int(int[] self) -> bool", OpKind.Host),
        Op("aten::any.float(float[] self) -> bool", OpKind.Host),
        Op("aten::any.bool(bool[] self) -> bool", OpKind.Host),
        Op("aten::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", OpKind.Reduction, Fixed(DType.Int64), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", OpKind.Reduction, Fixed(DType.Int64), Reduce(0, 1, 2, needsElements: true)),
        Op("aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, FloatingOnly(0, 1), ReduceAll(0)),
        Op("aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", OpKind.Reduction, FloatingOnly(0, 3), Reduce(0, 1, 2)),
        Op("aten::all(Tensor self) -> Tensor", OpKind.Reduction, AnyAll(0), ReduceAll(0)),
        Op("aten::all.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", OpKind.Reduction, AnyAll(0), Reduce(0, 1, 2)),
        Op("aten::all.int(int[] self) -> bool", OpKind.Host),
        Op("aten::all.float(float[] self) -> bool", OpKind.Host),
        Op("aten::all.bool(bool[] self) -> bool", OpKind.Host),
        Op("aten::std(Tensor self, bool unbiased=True) -> Tensor", OpKind.Reduction, FloatingOnly(0), ReduceAll(0)),
        Op("aten::std.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", OpKind.Reduction, FloatingOnly(0), Reduce(0, 1, 3)),
        Op("aten::std.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> Tensor", OpKind.Reduction, FloatingOnly(0), Reduce(0, 1, 3)),
        Op("aten::var(Tensor self, bool unbiased=True) -> Tensor", OpKind.Reduction, FloatingOnly(0), ReduceAll(0)),
        Op("aten::var.dim(Tensor self, int[1]? dim, bool unbiased=True, bool keepdim=False) -> Tensor", OpKind.Reduction, FloatingOnly(0), Reduce(0, 1, 3)),
        Op("aten::var.correction(Tensor self, int[1]? dim, *, int? correction, bool keepdim=False) -> Tensor", OpKind.Reduction, FloatingOnly(0), Reduce(0, 1, 3)),
    ];
}

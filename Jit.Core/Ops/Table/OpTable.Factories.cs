using Jit.Tensors;
using static Jit.Ops.DTypeRules;
using static Jit.Ops.Shapes;

namespace Jit.Ops;

public static partial class OpTable
{
    /// <summary>Tensors made from sizes or numbers: zeros, full, arange, tensor literals, *_like.</summary>
    private static OpDef[] Factories() =>
    [
        Op("aten::new_zeros(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, SameDType(0)), FromSizeList(1)),
        Op("aten::zeros_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, SameDType(0)), SameAs(0)),
        Op("aten::full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, SameDType(0)), SameAs(0)),
        Op("aten::new_empty(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, SameDType(0)), FromSizeList(1)),
        Op("aten::empty_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, SameDType(0)), SameAs(0)),
        Op("aten::empty.memory_format(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), FromSizeList(0)),
        Op("aten::ones_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, SameDType(0)), SameAs(0)),
        Op("aten::new_ones(Tensor self, SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, SameDType(0)), FromSizeList(1)),
        Op("aten::new_full(Tensor self, SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(3, SameDType(0)), FromSizeList(1)),
        Op("aten::scalar_tensor(Scalar s, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Host, DTypeArgOr(1, DefaultFloat), Scalar),
        Op("aten::tensor.float(float t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", OpKind.Host, DTypeArgOr(1, DefaultFloat), Scalar),
        Op("aten::tensor.int(int t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", OpKind.Host, DTypeArgOr(1, Fixed(DType.Int64)), Scalar),
        Op("aten::tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", OpKind.Host, DTypeArgOr(1, Fixed(DType.Bool)), Scalar),
        Op("aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor", OpKind.Host, DTypeArgOr(1, ListData(0)), TensorData),
        Op("aten::arange(Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, ArangeDType(0)), Arange(null, 0, null)),
        Op("aten::arange.start(Scalar start, Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, ArangeDType(0, 1)), Arange(0, 1, null)),
        Op("aten::arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(3, ArangeDType(0, 1, 2)), Arange(0, 1, 2)),
        Op("aten::full(SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, ScalarValue(1)), FromSizeList(0)),
        Op("aten::ones(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), FromSizeList(0)),
        Op("aten::zeros(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), FromSizeList(0)),
        Op("aten::eye(int n, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), Eye(0, null)),
        Op("aten::eye.m(int n, int m, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, DefaultFloat), Eye(0, 1)),
    ];
}

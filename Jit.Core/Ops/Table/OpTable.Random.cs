using Jit.Tensors;
using static Jit.Ops.DTypeRules;
using static Jit.Ops.Shapes;

namespace Jit.Ops;

public static partial class OpTable
{
    /// <summary>
    /// Random sampling. Models reach these on training-only paths (stochastic depth's
    /// <c>bernoulli_</c>, which an eval-mode model never runs) as often as at inference (noise,
    /// random masks), so they are registered and run; all are nondeterministic, so no pass folds,
    /// merges or fuses them.
    /// </summary>
    private static OpDef[] Random() =>
    [
        Op("aten::rand(int[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), FromSizeList(0), OpFlags.Nondeterministic),
        Op("aten::randn(int[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, DefaultFloat), FromSizeList(0), OpFlags.Nondeterministic),
        Op("aten::rand_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, SameDType(0)), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::randn_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", OpKind.Extern, DTypeArgOr(1, SameDType(0)), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::randint(int high, int[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(2, Fixed(DType.Int64)), FromSizeList(1), OpFlags.Nondeterministic),
        Op("aten::randint.low(int low, int high, int[] size, *, ScalarType? dtype=4, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", OpKind.Extern, DTypeArgOr(3, Fixed(DType.Int64)), FromSizeList(2), OpFlags.Nondeterministic),
        Op("aten::bernoulli(Tensor self, *, Generator? generator=None) -> Tensor", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::bernoulli_.float(Tensor(a!) self, float p=0.5, *, Generator? generator=None) -> Tensor(a!)", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::bernoulli_.Tensor(Tensor(a!) self, Tensor p, *, Generator? generator=None) -> Tensor(a!)", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::uniform_(Tensor(a!) self, float from=0., float to=1., *, Generator? generator=None) -> Tensor(a!)", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
        Op("aten::normal_(Tensor(a!) self, float mean=0., float std=1., *, Generator? generator=None) -> Tensor(a!)", OpKind.Extern, SameDType(0), SameAs(0), OpFlags.Nondeterministic),
    ];
}

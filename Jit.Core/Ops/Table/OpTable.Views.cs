using static Jit.Ops.DTypeRules;
using static Jit.Ops.Shapes;

namespace Jit.Ops;

public static partial class OpTable
{
    /// <summary>Views (results alias the input: only sizes, strides and offset change) and the copies built from index arithmetic (cat, stack, repeat).</summary>
    private static OpDef[] Views() =>
    [
        Op("aten::reshape_as(Tensor(a) self, Tensor other) -> Tensor(a)", OpKind.View, SameDType(0), SizesOf(1)),
        Op("aten::reshape(Tensor(a) self, SymInt[] shape) -> Tensor(a)", OpKind.View, SameDType(0), View(0, 1)),
        Op("aten::unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), DropDim(0, 1)),
        Op("aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)", OpKind.View, SameDType(0), Permute(0, 1)),
        Op("aten::select.int(Tensor(a) self, int dim, int index) -> Tensor(a)", OpKind.View, SameDType(0), DropDim(0, 1, 2)),
        Op("aten::select.t(t[](a) list, int idx) -> t(*)", OpKind.Host),
        Op("aten::split.Tensor(Tensor(a -> *) self, int split_size, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), SplitBySize),
        Op("aten::split.sizes(Tensor(a -> *) self, int[] split_size, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), SplitBySizes),
        Op("aten::split.str(str self, str? separator=None, int max=-1) -> str[]", OpKind.Host),
        Op("aten::split(Tensor(a -> *) self, int[] split_sizes, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), SplitBySizes),
        Op("aten::narrow(Tensor(a) self, int dim, int start, int length) -> Tensor(a)", OpKind.View, SameDType(0), Narrow),
        Op("aten::narrow.Tensor(Tensor(a) self, int dim, Tensor start, int length) -> Tensor(a)", OpKind.View, SameDType(0), Narrow),
        Op("aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", OpKind.View, SameDType(0), Transpose(0, 1, 2)),
        Op("aten::split_with_sizes(Tensor(a -> *) self, int[] split_sizes, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), SplitBySizes),
        Op("aten::squeeze(Tensor(a) self) -> Tensor(a)", OpKind.View, SameDType(0), Squeeze(0, null)),
        Op("aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)", OpKind.View, SameDType(0), Squeeze(0, 1)),
        Op("aten::t(Tensor(a) self) -> Tensor(a)", OpKind.View, SameDType(0), MatrixTranspose),
        Op("aten::chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]", OpKind.View, SameDType(0), Chunk),
        Op("aten::view(Tensor(a) self, SymInt[] size) -> Tensor(a)", OpKind.View, SameDType(0), View(0, 1)),
        Op("aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)", OpKind.View, SameDType(0), Slice(0, 1, 2, 3, 4)),
        Op("aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[]", OpKind.Host),
        Op("aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str", OpKind.Host),
        Op("aten::view_as(Tensor(a) self, Tensor other) -> Tensor(a)", OpKind.View, SameDType(0), SizesOf(1)),
        Op("aten::detach(Tensor(a) self) -> Tensor(a)", OpKind.View, SameDType(0), SameAs(0)),
        Op("aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)", OpKind.View, SameDType(0), Expand(0, 1)),
        Op("aten::alias(Tensor(a) self) -> Tensor(a)", OpKind.View, SameDType(0), SameAs(0)),
        Op("aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)", OpKind.View, SameDType(0), Unsqueeze(0, 1)),
        Op("aten::expand_as(Tensor(a) self, Tensor other) -> Tensor(a)", OpKind.View, SameDType(0), SizesOf(1)),
        Op("aten::contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)", OpKind.View, SameDType(0), SameAs(0)),
        Op("aten::cat(Tensor[] tensors, int dim=0) -> Tensor", OpKind.Elementwise, PromoteList(0), Cat(0, 1)),
        Op("aten::concat(Tensor[] tensors, int dim=0) -> Tensor", OpKind.Elementwise, PromoteList(0), Cat(0, 1)),
        Op("aten::stack(Tensor[] tensors, int dim=0) -> Tensor", OpKind.Elementwise, PromoteList(0), Stack(0, 1)),
        Op("aten::flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)", OpKind.View, SameDType(0), Flatten(0, 1, 2)),
        Op("aten::unflatten.int(Tensor(a) self, int dim, int[] sizes) -> Tensor(a)", OpKind.View, SameDType(0), Unflatten(0, 1, 2)),
        Op("aten::repeat(Tensor self, SymInt[] repeats) -> Tensor", OpKind.Elementwise, SameDType(0), Repeat),
    ];
}

using static Jit.Ops.DTypeRules;
using static Jit.Ops.Shapes;

namespace Jit.Ops;

public static partial class OpTable
{
    /// <summary>Structural ops the interpreter handles itself, conversions between tensors and numbers, and the ops PyTorch gives no schema ((...) -> ...).</summary>
    private static OpDef[] Prim() =>
    [
        Op("prim::is_cpu(Tensor a) -> bool", OpKind.Prim),
        Op("prim::TupleUnpack(Any tup) -> ...", OpKind.Prim),
        Op("prim::device(Tensor a) -> Device", OpKind.Prim),
        Op("aten::FloatImplicit(Tensor a) -> float", OpKind.Prim),
        Op("prim::requires_grad(Tensor a) -> bool", OpKind.Prim),
        Op("aten::Bool.Tensor(Tensor a) -> bool", OpKind.Prim),
        Op("aten::Bool.int(int a) -> bool", OpKind.Prim),
        Op("aten::Bool.float(float a) -> bool", OpKind.Prim),
        Op("aten::Float.Tensor(Tensor a) -> float", OpKind.Prim),
        Op("aten::Float.Scalar(Scalar a) -> float", OpKind.Prim),
        Op("aten::Float.int(int a) -> float", OpKind.Prim),
        Op("aten::Float.bool(bool a) -> float", OpKind.Prim),
        Op("aten::Float.str(str a) -> float", OpKind.Prim),
        Op("prim::TupleIndex(Any tup, int i) -> Any", OpKind.Prim),
        Op("prim::data(Tensor(a) a) -> Tensor(a)", OpKind.Prim, SameDType(0), SameAs(0)),
        Op("prim::Uninitialized() -> Any", OpKind.Prim),
        Op("prim::is_cuda(Tensor a) -> bool", OpKind.Prim),
        Op("prim::is_nested(Tensor a) -> bool", OpKind.Prim),
        Op("prim::NumToTensor.Scalar(Scalar a) -> Tensor", OpKind.Prim, NumToTensor(0), Scalar),
        Op("prim::NumToTensor.bool(bool a) -> Tensor", OpKind.Prim, NumToTensor(0), Scalar),
        Op("prim::unchecked_unwrap_optional(t(a)? optional) -> t(a)", OpKind.Prim),
        Op("aten::IntImplicit(Tensor a) -> int", OpKind.Prim),
        Op("aten::Int.Tensor(Tensor a) -> int", OpKind.Prim),
        Op("aten::Int.bool(bool a) -> int", OpKind.Prim),
        Op("aten::Int.float(float a) -> int", OpKind.Prim),
        Op("aten::Int.Scalar(Scalar a) -> int", OpKind.Prim),
        Op("aten::Int.str(str a) -> int", OpKind.Prim),
        Op("aten::ScalarImplicit(Tensor a) -> Scalar", OpKind.Prim),
        Op("prim::layout(Tensor a) -> Layout", OpKind.Prim),
        Op("prim::Print(...) -> ()", OpKind.Prim, OpFlags.SideEffects),
        Op("prim::dtype(Tensor a) -> int", OpKind.Prim),
        Op("prim::unchecked_cast(t x) -> t", OpKind.Prim),
        Op("prim::RaiseException(str msg, str? cls=None) -> ()", OpKind.Prim, OpFlags.SideEffects),
        // An operator the registry lacks, loaded in place of the call: running it throws a
        // JitSchemaException with its "message" attribute (a module loads; only a run that reaches it fails).
        Op("prim::UnsupportedOp(...) -> ...", OpKind.Prim, OpFlags.SideEffects),
        Op("prim::Constant(...) -> ...", OpKind.Prim),
        Op("prim::If(...) -> ...", OpKind.Prim),
        Op("prim::Loop(...) -> ...", OpKind.Prim),
        Op("prim::ListConstruct(...) -> ...", OpKind.Prim),
        Op("prim::ListUnpack(...) -> ...", OpKind.Prim),
        Op("prim::TupleConstruct(...) -> ...", OpKind.Prim),
        Op("prim::TupleSlice(...) -> ...", OpKind.Prim),
        Op("prim::GetAttr(...) -> ...", OpKind.Prim),
        Op("prim::SetAttr(...) -> ...", OpKind.Prim, OpFlags.SideEffects),
        Op("prim::DictConstruct(...) -> ...", OpKind.Prim),
        Op("prim::CallMethod(...) -> ...", OpKind.Prim, OpFlags.SideEffects),
        Op("prim::CallFunction(...) -> ...", OpKind.Prim, OpFlags.SideEffects),
        Op("prim::StringIndex(...) -> ...", OpKind.Prim),
    ];
}

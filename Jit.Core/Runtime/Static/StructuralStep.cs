using Jit.Errors;
using Jit.Ir;
using Jit.Runtime.Host;

namespace Jit.Runtime.Static;

/// <summary>
/// The <c>prim::</c> ops that build or take apart containers, or answer questions the runtime
/// knows (device, grad mode). The same semantics as the interpreter's structural ops, over slots.
/// </summary>
internal sealed class StructuralStep : StaticStep
{
    private readonly string _kind;
    private readonly int[] _inputs;
    private readonly int[] _outputs;
    private readonly JitType _type;
    private readonly string? _name;
    private readonly long _beg, _end;
    private readonly JitType[] _types = [];

    private StructuralStep(Node node, int[] inputs, int[] outputs) : base(node)
    {
        _kind = node.Kind;
        _inputs = inputs;
        _outputs = outputs;
        _type = node.Outputs.Count == 1 ? node.Output().Type : NoneType.Instance;
        if (node.Kind is "prim::GetAttr" or "prim::SetAttr") _name = node.StringAttr("name");
        if (node.Kind == "prim::UnsupportedOp") _name = node.StringAttr("message");
        if (node.Kind == "prim::TupleSlice") (_beg, _end) = (node.IntAttr("beg"), node.IntAttr("end"));
        if (node.Kind == "prim::isinstance") _types = node.GetAttribute("types")?.Value as JitType[] ?? [];
    }

    /// <summary>The node kinds this step runs (everything else is a kernel, a constant or control flow).</summary>
    public static bool Handles(string kind) => kind is "prim::ListConstruct" or "prim::ListUnpack" or "prim::TupleConstruct"
        or "prim::TupleUnpack" or "prim::TupleIndex" or "prim::TupleSlice" or "prim::DictConstruct" or "prim::DictIndex"
        or "prim::CreateObject" or "prim::isinstance" or "prim::GetAttr" or "prim::SetAttr" or "prim::RaiseException" or "prim::UnsupportedOp"
        or "prim::Uninitialized" or "prim::unchecked_cast" or "prim::unchecked_unwrap_optional" or "prim::data"
        or "prim::dtype" or "prim::device" or "prim::layout" or "prim::requires_grad" or "prim::is_cuda" or "prim::is_cpu"
        or "aten::__is__" or "aten::__isnot__" or "aten::is_grad_enabled" or "aten::is_autocast_enabled"
        or "prim::is_nested" or "aten::warn" or "prim::Print";

    public static StructuralStep Create(Node node, int[] inputs, int[] outputs) => new(node, inputs, outputs);

    private IValue In(StaticRuntime rt, int i) => rt.Frame[_inputs[i]];

    private void Set(StaticRuntime rt, IValue v, int i = 0) => rt.Frame[_outputs[i]] = v;

    public override void Run(StaticRuntime rt)
    {
        switch (_kind)
        {
            case "prim::ListConstruct":
            {
                var elem = _type is ListType lt ? lt.Element : AnyType.Instance;
                var items = new List<IValue>(_inputs.Length);
                for (int i = 0; i < _inputs.Length; i++) items.Add(In(rt, i));
                Set(rt, IValue.FromList(new IValueList(elem, items)));
                break;
            }
            case "prim::ListUnpack":
            {
                var list = In(rt, 0).AsList;
                if (list.Count != _outputs.Length)
                    throw new JitRuntimeException($"ValueError: cannot unpack a list of {list.Count} items into {_outputs.Length} values");
                for (int i = 0; i < _outputs.Length; i++) Set(rt, list[i], i);
                break;
            }
            case "prim::TupleConstruct":
            {
                var items = new IValue[_inputs.Length];
                for (int i = 0; i < items.Length; i++) items[i] = In(rt, i);
                Set(rt, IValue.FromTuple(items));
                break;
            }
            case "prim::TupleUnpack":
            {
                var tup = In(rt, 0).AsTuple;
                if (tup.Count != _outputs.Length)
                    throw new JitRuntimeException($"cannot unpack a tuple of {tup.Count} items into {_outputs.Length} values");
                for (int i = 0; i < _outputs.Length; i++) Set(rt, tup[i], i);
                break;
            }
            case "prim::TupleIndex":
            {
                var tup = In(rt, 0).AsTuple;
                Set(rt, tup[PythonMath.NormalizeIndex(In(rt, 1).AsInt, tup.Count, "tuple")]);
                break;
            }
            case "prim::TupleSlice":
            {
                var tup = In(rt, 0).AsTuple;
                var (s, e) = PythonMath.SliceBounds(IValue.FromInt(_beg), IValue.FromInt(_end), 1, tup.Count);
                Set(rt, IValue.FromTuple(tup.Items[s..e]));
                break;
            }
            case "prim::DictConstruct":
            {
                var dt = _type as DictType ?? new DictType(AnyType.Instance, AnyType.Instance);
                var d = new IValueDict(dt.Key, dt.Value);
                for (int i = 0; i + 1 < _inputs.Length; i += 2) d.Set(In(rt, i), In(rt, i + 1));
                Set(rt, IValue.FromDict(d));
                break;
            }
            case "prim::DictIndex":
            {
                var key = In(rt, 1);
                if (!In(rt, 0).AsDict.TryGet(key, out var value)) throw new JitRuntimeException($"KeyError: {key}");
                Set(rt, value);
                break;
            }
            case "prim::CreateObject":
            {
                var cls = _type as ClassType ?? throw new JitRuntimeException($"prim::CreateObject of a non-class type {_type}");
                Set(rt, IValue.FromObject(new ScriptObject(cls, new IValue[cls.Attributes.Count])));
                break;
            }
            case "prim::isinstance":
            {
                var v = In(rt, 0);
                bool any = false;
                foreach (var t in _types) any |= ValueTypes.Matches(v, t);
                Set(rt, any);
                break;
            }
            case "prim::GetAttr": Set(rt, In(rt, 0).AsObject.GetAttr(_name!)); break;
            case "prim::SetAttr": In(rt, 0).AsObject.SetAttr(_name!, In(rt, 1)); break;
            case "prim::RaiseException":
                throw new JitScriptException(_inputs.Length > 0 ? In(rt, 0).ToString() : "Exception raised by the model");
            case "prim::UnsupportedOp": throw new JitSchemaException(_name!);
            case "prim::Uninitialized": Set(rt, IValue.None); break;
            case "prim::unchecked_cast" or "prim::unchecked_unwrap_optional" or "prim::data": Set(rt, In(rt, 0)); break;
            case "prim::dtype": Set(rt, (long)(sbyte)In(rt, 0).AsTensor.DType); break;
            case "prim::device" or "prim::is_cuda" or "prim::is_cpu": Set(rt, Passes.FoldDeviceQueries.Answer(_kind, rt.Module.Device)!.Value); break;
            case "prim::layout": Set(rt, 0L); break; // torch.strided
            case "prim::requires_grad": Set(rt, false); break; // inference: nothing requires grad
            case "aten::__is__" or "aten::__isnot__":
            {
                IValue a = In(rt, 0), b = In(rt, 1);
                bool same = a.IsNone || b.IsNone ? a.IsNone && b.IsNone : a.Equals(b);
                Set(rt, _kind == "aten::__is__" ? same : !same);
                break;
            }
            case "aten::is_grad_enabled" or "aten::is_autocast_enabled" or "prim::is_nested": Set(rt, false); break;
            case "aten::warn": Console.Error.WriteLine("warning (from the model): " + In(rt, 0)); break;
            case "prim::Print":
            {
                var parts = new string[_inputs.Length];
                for (int i = 0; i < parts.Length; i++) parts[i] = StringKernels.Str(In(rt, i));
                Console.Out.WriteLine(string.Join(" ", parts));
                break;
            }
            default: throw new JitRuntimeException($"the static runtime has no structural step for {_kind}");
        }
    }
}

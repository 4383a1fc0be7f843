using Jit.Errors;
using Jit.Ir;
using Jit.Runtime.Host;
using Jit.Tensors;

namespace Jit.Runtime;

// The prim:: ops that shape the program rather than compute: constants, control flow,
// containers, attributes. Everything else goes through a kernel.
public sealed partial class Interpreter
{
    private bool TryRunStructural(Node node, Dictionary<Value, IValue> env)
    {
        switch (node.Kind)
        {
            case "prim::Constant":
                env[node.Output()] = Constants.Evaluate(node);
                return true;
            case "prim::If":
                RunIf(node, env);
                return true;
            case "prim::Loop":
                RunLoop(node, env);
                return true;
            case "prim::ListConstruct":
            {
                var elem = node.Output().Type is ListType lt ? lt.Element : AnyType.Instance;
                env[node.Output()] = IValue.FromList(new IValueList(elem, node.Inputs.Select(v => env[v]).ToList()));
                return true;
            }
            case "prim::ListUnpack":
            {
                var list = env[node.Input(0)].AsList;
                if (list.Count != node.Outputs.Count)
                    throw new JitRuntimeException($"ValueError: cannot unpack a list of {list.Count} items into {node.Outputs.Count} values");
                for (int i = 0; i < list.Count; i++) env[node.Outputs[i]] = list[i];
                return true;
            }
            case "prim::TupleConstruct":
                env[node.Output()] = IValue.FromTuple(node.Inputs.Select(v => env[v]).ToArray());
                return true;
            case "prim::TupleUnpack":
            {
                var tup = env[node.Input(0)].AsTuple;
                if (tup.Count != node.Outputs.Count)
                    throw new JitRuntimeException($"cannot unpack a tuple of {tup.Count} items into {node.Outputs.Count} values");
                for (int i = 0; i < tup.Count; i++) env[node.Outputs[i]] = tup[i];
                return true;
            }
            case "prim::TupleIndex":
            {
                var tup = env[node.Input(0)].AsTuple;
                env[node.Output()] = tup[PythonMath.NormalizeIndex(env[node.Input(1)].AsInt, tup.Count, "tuple")];
                return true;
            }
            case "prim::TupleSlice":
            {
                var tup = env[node.Input(0)].AsTuple;
                long beg = node.IntAttr("beg"), end = node.IntAttr("end");
                var (s, e) = PythonMath.SliceBounds(IValue.FromInt(beg), IValue.FromInt(end), 1, tup.Count);
                env[node.Output()] = IValue.FromTuple(tup.Items[s..e]);
                return true;
            }
            case "prim::DictConstruct":
            {
                var dt = node.Output().Type as DictType ?? new DictType(AnyType.Instance, AnyType.Instance);
                var d = new IValueDict(dt.Key, dt.Value);
                for (int i = 0; i + 1 < node.Inputs.Count; i += 2) d.Set(env[node.Inputs[i]], env[node.Inputs[i + 1]]);
                env[node.Output()] = IValue.FromDict(d);
                return true;
            }
            case "prim::DictIndex":
            {
                var key = env[node.Input(1)];
                if (!env[node.Input(0)].AsDict.TryGet(key, out var value)) throw new JitRuntimeException($"KeyError: {key}");
                env[node.Output()] = value;
                return true;
            }
            case "prim::CreateObject":
            {
                var cls = node.Output().Type as ClassType
                          ?? throw new JitRuntimeException($"prim::CreateObject of a non-class type {node.Output().Type}");
                env[node.Output()] = IValue.FromObject(new ScriptObject(cls, new IValue[cls.Attributes.Count]));
                return true;
            }
            case "prim::isinstance":
            {
                var types = node.GetAttribute("types")?.Value as JitType[] ?? [];
                var v = env[node.Input(0)];
                env[node.Output()] = types.Any(t => ValueTypes.Matches(v, t));
                return true;
            }
            case "prim::GetAttr":
                env[node.Output()] = env[node.Input(0)].AsObject.GetAttr(node.StringAttr("name"));
                return true;
            case "prim::SetAttr":
                env[node.Input(0)].AsObject.SetAttr(node.StringAttr("name"), env[node.Input(1)]);
                return true;
            case "prim::RaiseException":
                throw new JitScriptException(node.Inputs.Count > 0 ? env[node.Input(0)].ToString() : "Exception raised by the model");
            case "prim::UnsupportedOp":
                throw new JitSchemaException(node.StringAttr("message"));
            case "prim::Uninitialized":
                env[node.Output()] = IValue.None;
                return true;
            case "prim::unchecked_cast" or "prim::unchecked_unwrap_optional" or "prim::data":
                env[node.Output()] = env[node.Input(0)];
                return true;
            case "prim::dtype":
                env[node.Output()] = (long)(sbyte)env[node.Input(0)].AsTensor.DType;
                return true;
            case "prim::device" or "prim::is_cuda" or "prim::is_cpu":
                env[node.Output()] = Passes.FoldDeviceQueries.Answer(node.Kind, _backend.Device)!.Value;
                return true;
            case "prim::layout":
                env[node.Output()] = 0L; // torch.strided
                return true;
            case "prim::requires_grad":
                env[node.Output()] = false; // inference: nothing requires grad
                return true;
            case "aten::__is__" or "aten::__isnot__":
            {
                bool same = Identical(env[node.Input(0)], env[node.Input(1)]);
                env[node.Output()] = node.Kind == "aten::__is__" ? same : !same;
                return true;
            }
            case "aten::is_grad_enabled":
                env[node.Output()] = false; // inference runs as under torch.no_grad()
                return true;
            case "aten::is_autocast_enabled":
                env[node.Output()] = false; // no autocast region: tensors keep their dtypes
                return true;
            case "prim::is_nested":
                env[node.Output()] = false; // the runtime has no nested tensors
                return true;
            case "aten::warn":
                Console.Error.WriteLine("warning (from the model): " + env[node.Input(0)]);
                return true;
            case "prim::Print":
                Console.Out.WriteLine(string.Join(" ", node.Inputs.Select(v => StringKernels.Str(env[v]))));
                return true;
            case "prim::CallMethod" or "prim::CallFunction":
                throw new JitRuntimeException($"{node.Kind} must be inlined before the graph can run");
            default:
                return false;
        }
    }

    private static bool Identical(IValue a, IValue b)
    {
        if (a.IsNone || b.IsNone) return a.IsNone && b.IsNone;
        return a.Equals(b);
    }

    private void RunIf(Node node, Dictionary<Value, IValue> env)
    {
        bool cond = env[node.Input(0)].AsBool;
        var block = node.Blocks[cond ? 0 : 1];
        RunBlock(block, env);
        for (int i = 0; i < node.Outputs.Count; i++) env[node.Outputs[i]] = env[block.Outputs[i]];
    }

    // prim::Loop(max_trip_count, initial_condition, carried...) with body
    // block(i, carried...) -> (condition, carried...), as PyTorch defines it.
    private void RunLoop(Node node, Dictionary<Value, IValue> env)
    {
        long maxTrips = env[node.Input(0)].AsInt;
        bool cond = env[node.Input(1)].AsBool;
        int carried = node.Inputs.Count - 2;
        var body = node.Blocks[0];
        var state = new IValue[carried];
        for (int i = 0; i < carried; i++) state[i] = env[node.Inputs[i + 2]];
        for (long trip = 0; trip < maxTrips && cond; trip++)
        {
            env[body.Inputs[0]] = trip;
            for (int i = 0; i < carried; i++) env[body.Inputs[i + 1]] = state[i];
            RunBlock(body, env);
            cond = env[body.Outputs[0]].AsBool;
            for (int i = 0; i < carried; i++) state[i] = env[body.Outputs[i + 1]];
        }
        for (int i = 0; i < carried; i++) env[node.Outputs[i]] = state[i];
    }
}

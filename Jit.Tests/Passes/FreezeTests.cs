using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class FreezeTests
{
    // A module like models.WithParamAttr: a parameter, a float, an int list, and a submodule.
    private static ScriptObject Module(out ScriptObject sub)
    {
        var subType = new ClassType("__torch__.Sub");
        subType.AddAttribute("training", BoolType.Instance);
        subType.AddAttribute("count", TensorType.Unknown);
        sub = new ScriptObject(subType, [IValue.FromBool(false), IValue.FromTensor(Tensor.Scalar(0L))]);
        var type = new ClassType("__torch__.M");
        type.AddAttribute("weight", TensorType.Unknown, isParameter: true);
        type.AddAttribute("scale", FloatType.Instance);
        type.AddAttribute("ids", ListType.OfInts);
        type.AddAttribute("sub", subType);
        type.AddAttribute("bias", new OptionalType(TensorType.Unknown));
        return new ScriptObject(type,
        [
            IValue.FromTensor(Tensor.FromArray(new[] { 1.5f, -2f, 0.25f, 3f }, 2, 2)),
            IValue.FromDouble(0.1),
            IValue.FromList(new IValueList(IntType.Instance, [IValue.FromInt(7)])),
            IValue.FromObject(sub),
            IValue.None,
        ]);
    }

    private const string ParamAttr = """
        graph(%self : __torch__.M,
              %x.1 : Tensor):
          %10 : int = prim::Constant[value=1]()
          %8 : int = prim::Constant[value=0]()
          %weight : Tensor = prim::GetAttr[name="weight"](%self)
          %4 : Tensor = aten::matmul(%x.1, %weight) # models.py:107:15
          %scale : float = prim::GetAttr[name="scale"](%self)
          %6 : Tensor = aten::mul(%4, %scale) # models.py:107:15
          %ids : int[] = prim::GetAttr[name="ids"](%self)
          %9 : int = aten::__getitem__(%ids, %8) # models.py:107:59
          %11 : Tensor = aten::add(%6, %9, %10) # models.py:107:15
          %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
          %training : bool = prim::GetAttr[name="training"](%sub)
          %bias : Tensor? = prim::GetAttr[name="bias"](%self)
          %12 : (Tensor, bool, Tensor?) = prim::TupleConstruct(%11, %training, %bias)
          return (%12)

        """;

    private static IValue[] RunWith(Graph g, ScriptObject module, Tensor x)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        return new Interpreter(g, cpu).Run([IValue.FromObject(module), IValue.FromTensor(x)]);
    }

    [Fact]
    public void AttributesBecomeNamedConstantsAndSelfStays()
    {
        var module = Module(out _);
        var g = Graph.Parse(ParamAttr);
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        var expected = RunWith(g.Copy(), module, x);
        Assert.True(new Freeze(module).Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK: graph(%self : __torch__.M,
            # CHECK: %self.weight : Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu) = prim::Constant[value= 1.5000 -2.0000  0.2500  3.0000 [ CPUFloatType{2,2} ]]()
            # CHECK-NEXT: %self.scale : float = prim::Constant[value=0.10000000000000001]()
            # CHECK-NEXT: %self.ids : int[] = prim::Constant[value=[7]]()
            # CHECK-NEXT: %self.sub.training : bool = prim::Constant[value=0]()
            # CHECK-NEXT: %self.bias : NoneType = prim::Constant()
            # CHECK: aten::matmul(%x.1, %self.weight)
            # CHECK-NOT: prim::GetAttr
            """, g);
        var actual = RunWith(g, module, x);
        ValueAssert.TensorClose(expected[0].AsTuple[0].AsTensor, actual[0].AsTuple[0].AsTensor, 0, 0, "output");
        Assert.False(actual[0].AsTuple[1].AsBool);
        Assert.True(actual[0].AsTuple[2].IsNone);
    }

    [Fact]
    public void SetAttrKeepsThatAttributeOnly()
    {
        var module = Module(out _);
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %scale : float = prim::GetAttr[name="scale"](%self)
              %s2 : float = aten::mul(%scale, %scale)
              = prim::SetAttr[name="scale"](%self, %s2)
              %w : Tensor = prim::GetAttr[name="weight"](%self)
              %y : Tensor = aten::mul(%x, %w)
              return (%y)

            """);
        new Freeze(module).Run(g);
        g.Lint();
        FileCheck.Run("""
            # CHECK: %self.weight : Float(2, 2
            # CHECK: prim::GetAttr[name="scale"](%self)
            # CHECK: prim::SetAttr[name="scale"](%self
            # CHECK-NOT: prim::GetAttr[name="weight"]
            """, g);
    }

    [Fact]
    public void InPlaceWritesKeepTheAttributeEvenThroughAView()
    {
        var module = Module(out _);
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %count : Tensor = prim::GetAttr[name="count"](%sub)
              %v : Tensor = aten::view(%count, %one)
              %u : Tensor = aten::add_(%v, %one, %one)
              %w : Tensor = prim::GetAttr[name="weight"](%self)
              %y : Tensor = aten::mul(%x, %w)
              return (%y)

            """);
        new Freeze(module).Run(g);
        g.Lint();
        // The counter is written through a view: it and the submodule lookup stay; the weight freezes.
        FileCheck.Run("""
            # CHECK: %self.weight : Float(2, 2
            # CHECK: %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
            # CHECK-NEXT: %count : Tensor = prim::GetAttr[name="count"](%sub)
            # CHECK-NOT: prim::GetAttr[name="weight"]
            """, g);
    }

    [Fact]
    public void ListAttributeMutatedInPlaceStays()
    {
        var module = Module(out _);
        var g = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %five : int = prim::Constant[value=5]()
              %ids : int[] = prim::GetAttr[name="ids"](%self)
              %r : int[] = aten::append(%ids, %five)
              return (%ids)

            """);
        Assert.False(new Freeze(module).Run(g));
        FileCheck.Run("# CHECK: prim::GetAttr[name=\"ids\"](%self)", g);
        g.Lint();
    }

    [Fact]
    public void PreservedAttributesStay()
    {
        var module = Module(out _);
        var g = Graph.Parse(ParamAttr);
        new Freeze(module, ["weight", "sub.training"]).Run(g);
        g.Lint();
        FileCheck.Run("""
            # CHECK: %self.scale : float
            # CHECK: prim::GetAttr[name="weight"](%self)
            # CHECK: prim::GetAttr[name="training"](%sub)
            """, g);
    }

    [Fact]
    public void WrongModuleAndUninlinedGraphsAreErrors()
    {
        var module = Module(out var sub);
        var e = Assert.Throws<JitIrException>(() => new Freeze(sub).Run(Graph.Parse(ParamAttr)));
        Assert.Contains("__torch__.Sub", e.Message);
        var calls = Graph.Parse("""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %sub : __torch__.Sub = prim::GetAttr[name="sub"](%self)
              %y : Tensor = prim::CallMethod[name="forward"](%sub, %x)
              return (%y)

            """);
        e = Assert.Throws<JitIrException>(() => new Freeze(module).Run(calls));
        Assert.Contains("run Inline first", e.Message);
    }

    public static TheoryData<string> ModelFixtureNames() => new(ModelFixture.Names());

    // A module with two tensors, a tensor list and a float.
    private static ScriptObject TensorsModule()
    {
        var type = new ClassType("__torch__.T");
        type.AddAttribute("a", TensorType.Unknown);
        type.AddAttribute("b", TensorType.Unknown);
        type.AddAttribute("items", new ListType(TensorType.Unknown));
        return new ScriptObject(type,
        [
            IValue.FromTensor(Tensor.FromArray(new[] { 1f, 2f }, 2)),
            IValue.FromTensor(Tensor.FromArray(new[] { 3f, 4f }, 2)),
            IValue.FromList(new IValueList(TensorType.Unknown, [IValue.FromTensor(Tensor.FromArray(new[] { 5f }, 1))])),
        ]);
    }

    [Fact]
    public void WritesToInputsAndOtherAttributesDoNotKeepAnAttribute()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.T,
                  %x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = prim::GetAttr[name="a"](%self)
              %r : Tensor = aten::add_(%a, %one, %one)
              %s : Tensor = aten::relu_(%x)
              %items : Tensor[] = prim::GetAttr[name="items"](%self)
              %e : Tensor = aten::__getitem__(%items, %zero)
              %u : Tensor = aten::mul_(%e, %one)
              %b : Tensor = prim::GetAttr[name="b"](%self)
              %y : Tensor = aten::mul(%s, %b)
              return (%y)

            """);
        new Freeze(TensorsModule()).Run(g);
        g.Lint();
        // a is written in place, items through an element it holds; b is only read.
        FileCheck.Run("""
            # CHECK: %self.b : Float(2
            # CHECK: prim::GetAttr[name="a"](%self)
            # CHECK: prim::GetAttr[name="items"](%self)
            # CHECK-NOT: prim::GetAttr[name="b"]
            """, g);
    }

    [Fact]
    public void AnAttributeGivenToAnUnknownOpStays()
    {
        var g = Graph.Parse("""
            graph(%self : __torch__.T,
                  %x : Tensor):
              %a : Tensor = prim::GetAttr[name="a"](%self)
              %m : Tensor = my::mystery(%a)
              %b : Tensor = prim::GetAttr[name="b"](%self)
              %y : Tensor = aten::mul(%m, %b)
              return (%y)

            """);
        new Freeze(TensorsModule()).Run(g);
        g.Lint();
        FileCheck.Run("""
            # CHECK: %self.b : Float(2
            # CHECK: prim::GetAttr[name="a"](%self)
            # CHECK-NOT: prim::GetAttr[name="b"]
            """, g);
    }

    /// <summary>
    /// Freeze, fold and pool every exported model: the outputs stay PyTorch's, and only attributes
    /// the graph writes are still looked up.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelFixtureNames))]
    public void FrozenFoldedPooledModelsMatchPyTorch(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var g = module.MethodGraph("forward").Copy();
        using var cpu = new CpuBackend(Device.Cpu);
        new Freeze(module.Object).Run(g);
        g.Lint();
        new ConstantPropagation(cpu).Run(g);
        g.Lint();
        new ConstantPooling().Run(g);
        g.Lint();

        var outputs = new Interpreter(g, cpu).Run([IValue.FromObject(module.Object), .. f.Inputs(module)]);
        f.AssertMatches(outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs));
        Assert.Equal("self", g.Inputs[0].DisplayName);
        Assert.All(g.AllNodes().Where(n => n.Kind == "prim::GetAttr"), n =>
            Assert.True(IsWrittenAttribute(g, n), $"{name}: {n.ToString().Trim()} is not mutated but was not frozen"));
    }

    // A remaining lookup must be of an object whose attributes are written, or be written itself.
    private static bool IsWrittenAttribute(Graph g, Node getAttr) =>
        getAttr.Output().Type is ClassType
        || g.AllNodes().Any(n => n.Kind == "prim::SetAttr" && n.StringAttr("name") == getAttr.StringAttr("name"))
        || getAttr.Output().Uses.Any(u => u.User.Schema.Arguments.Count > u.Offset && u.User.Schema.Arguments[u.Offset].IsWrite);
}

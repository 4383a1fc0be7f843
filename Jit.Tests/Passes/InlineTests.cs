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

public sealed class InlineTests
{
    // nn.Linear.forward as PyTorch 1.13 prints it.
    private const string LinearForward = """
        graph(%self : __torch__.torch.nn.modules.linear.Linear,
              %input.1 : Tensor):
          %weight : Tensor = prim::GetAttr[name="weight"](%self)
          %bias : Tensor = prim::GetAttr[name="bias"](%self)
          %4 : Tensor = aten::linear(%input.1, %weight, %bias) # torch/nn/modules/linear.py:114:15
          return (%4)

        """;

    private static string Fixture(string name) => File.ReadAllText(OpCaseFile.FixturePath("ir", name));

    private static Func<Node, Graph?> ByMethodName(Dictionary<string, string> graphs)
    {
        var parsed = graphs.ToDictionary(kv => kv.Key, kv => Graph.Parse(kv.Value));
        return node =>
        {
            string key = node.Kind == "prim::CallMethod"
                ? node.StringAttr("name")
                : node.Input(0).Node.StringAttr("name");
            return parsed.GetValueOrDefault(key);
        };
    }

    [Fact]
    public void InlinesMethodCallsOfSubmodulesAsPyTorchDoes()
    {
        var g = Graph.Parse(Fixture("mlp.ir"));
        Assert.True(new Inline(ByMethodName(new() { ["forward"] = LinearForward })).Run(g));
        g.Lint();
        // The same structure, names and source ranges as PyTorch's own inlined graph (mlp_inlined.ir).
        FileCheck.Run("""
            # CHECK: %fc1 : __torch__.torch.nn.modules.linear.Linear = prim::GetAttr[name="fc1"](%self)
            # CHECK-NEXT: %weight.1 : Tensor = prim::GetAttr[name="weight"](%fc1)
            # CHECK-NEXT: %bias.1 : Tensor = prim::GetAttr[name="bias"](%fc1)
            # CHECK-NEXT: aten::linear(%x.1, %weight.1, %bias.1) # torch/nn/modules/linear.py:114:15
            # CHECK-NEXT: %6 : Tensor = aten::relu(
            # CHECK-NEXT: %weight : Tensor = prim::GetAttr[name="weight"](%fc2)
            # CHECK-NEXT: %bias : Tensor = prim::GetAttr[name="bias"](%fc2)
            # CHECK-NEXT: aten::linear(%6, %weight, %bias) # torch/nn/modules/linear.py:114:15
            # CHECK-NOT: prim::CallMethod
            """, g);
        Assert.Equal(
            Graph.Parse(Fixture("mlp_inlined.ir")).Nodes.Select(n => n.Kind),
            g.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public void InlinedCalleeKeepsItsGraphUntouched()
    {
        var callee = Graph.Parse(LinearForward);
        string before = callee.ToString();
        var g = Graph.Parse(Fixture("shared_submodule.ir"));
        new Inline(_ => callee).Run(g);
        g.Lint();
        Assert.Equal(before, callee.ToString());
        Assert.Equal(
            Graph.Parse(Fixture("shared_submodule_inlined.ir")).Nodes.Select(n => n.Kind),
            g.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public void InlinesFunctionCallsWithoutTheFunctionArgument()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %f : Function = prim::Constant[name="double_it"]()
              %y : Tensor = prim::CallFunction(%f, %x) # m.py:3:4
              return (%y)

            """);
        var callee = """
            graph(%a : Tensor):
              %two : int = prim::Constant[value=2]()
              %r : Tensor = aten::mul(%a, %two) # m.py:1:11
              return (%r)

            """;
        Assert.True(new Inline(ByMethodName(new() { ["double_it"] = callee })).Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK: prim::Constant[name="double_it"]
            # CHECK: %two : int = prim::Constant[value=2]()
            # CHECK-NEXT: %r : Tensor = aten::mul(%x, %two) # m.py:1:11
            # CHECK-NEXT: return (%r)
            """, g);
        using var cpu = new CpuBackend(Device.Cpu);
        var outputs = new Interpreter(g, cpu).Run([IValue.FromTensor(Tensor.FromArray(new[] { 1f, 2f }, 2))]);
        Assert.Equal([2.0, 4.0], outputs[0].AsTensor.ToDoubleArray());
    }

    [Fact]
    public void InlinesNestedCallsAndCallsInsideBlocks()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor, %c : bool):
              %f : Function = prim::Constant[name="outer"]()
              %y : Tensor = prim::If(%c)
                block0():
                  %a : Tensor = prim::CallFunction(%f, %x)
                  -> (%a)
                block1():
                  -> (%x)
              return (%y)

            """);
        var resolve = ByMethodName(new()
        {
            ["outer"] = """
                graph(%p : Tensor):
                  %g : Function = prim::Constant[name="inner"]()
                  %q : Tensor = prim::CallFunction(%g, %p)
                  %r : Tensor = aten::neg(%q)
                  return (%r)

                """,
            ["inner"] = """
                graph(%p : Tensor):
                  %r : Tensor = aten::relu(%p)
                  return (%r)

                """,
        });
        Assert.True(new Inline(resolve).Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK: block0():
            # CHECK: aten::relu(%x)
            # CHECK-NEXT: aten::neg(
            # CHECK-NOT: prim::CallFunction
            """, g);
    }

    [Fact]
    public void UnknownCalleesStay()
    {
        var g = Graph.Parse(Fixture("mlp.ir"));
        Assert.False(new Inline(_ => null).Run(g));
        FileCheck.Run("# CHECK-COUNT-2: prim::CallMethod", g);
        g.Lint();
    }

    [Fact]
    public void RecursionIsBoundedWithAClearError()
    {
        var recursive = Graph.Parse("""
            graph(%p : Tensor):
              %f : Function = prim::Constant[name="loop_forever"]()
              %r : Tensor = prim::CallFunction(%f, %p)
              return (%r)

            """);
        var g = recursive.Copy();
        var e = Assert.Throws<JitIrException>(() => new Inline(_ => recursive, maxDepth: 5).Run(g));
        Assert.Contains("deeper than 5", e.Message);
        Assert.Contains("loop_forever -> loop_forever", e.Message);
        Assert.Contains("recursive", e.Message);
    }

    [Fact]
    public void ArgumentCountMismatchIsAnError()
    {
        var g = Graph.Parse(Fixture("mlp.ir"));
        var wrong = Graph.Parse("""
            graph(%self : __torch__.torch.nn.modules.linear.Linear):
              %w : Tensor = prim::GetAttr[name="weight"](%self)
              return (%w)

            """);
        var e = Assert.Throws<JitIrException>(() => new Inline(_ => wrong).Run(g));
        Assert.Contains("takes 1 arguments but the call passes 2", e.Message);
    }

    [Theory]
    [MemberData(nameof(ModelFixtureNames))]
    public void ModuleGraphsAreUnchangedOrInlinedWithTheSameOutputs(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var g = module.MethodGraph("forward").Copy();
        Inline.ForModule(module).Run(g);
        g.Lint();
        Assert.DoesNotContain(g.AllNodes(), n => n.Kind == "prim::CallMethod");
        using var cpu = new CpuBackend(Device.Cpu);
        var outputs = new Interpreter(g, cpu).Run([IValue.FromObject(module.Object), .. f.Inputs(module)]);
        f.AssertMatches(outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs));
    }

    public static TheoryData<string> ModelFixtureNames() => new(ModelFixture.Names());
}

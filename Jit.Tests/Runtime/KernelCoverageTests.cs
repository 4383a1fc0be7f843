using Jit.Backends.Cpu;
using Jit.Ops;
using Jit.Runtime;
using Jit.Runtime.Host;
using Xunit;

namespace Jit.Tests.Runtime;

/// <summary>Every op the registry accepts can run on the CPU: a registered op without a kernel would fail only at run time.</summary>
public sealed class KernelCoverageTests
{
    // Structural ops the interpreter runs itself (Interpreter.Structural.cs).
    private static readonly HashSet<string> InterpreterOps =
    [
        "prim::Constant", "prim::If", "prim::Loop", "prim::ListConstruct", "prim::ListUnpack", "prim::TupleConstruct",
        "prim::TupleUnpack", "prim::TupleIndex", "prim::TupleSlice", "prim::DictConstruct", "prim::DictIndex",
        "prim::GetAttr", "prim::SetAttr", "prim::RaiseException", "prim::Uninitialized", "prim::unchecked_cast",
        "prim::unchecked_unwrap_optional", "prim::data", "prim::dtype", "prim::device", "prim::layout",
        "prim::requires_grad", "prim::is_cuda", "prim::is_cpu", "aten::__is__", "aten::__isnot__",
        "aten::is_grad_enabled", "aten::is_autocast_enabled", "prim::is_nested", "aten::warn", "prim::Print",
        "prim::CreateObject", "prim::isinstance", "prim::UnsupportedOp",
        // Calls: the interpreter reports them (the inliner removes them before a graph runs).
        "prim::CallMethod", "prim::CallFunction",
    ];


    [Fact]
    public void EveryRegisteredOpHasAKernelOrIsStructural()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        var missing = OpRegistry.Default.All
            .Select(op => op.Schema)
            .Where(s => !InterpreterOps.Contains(s.Name) && !InterpreterOps.Contains(s.QualifiedOverloadName))
            .Where(s => !cpu.Kernels.Contains(s.QualifiedOverloadName) && !HostKernels.Table.Contains(s.QualifiedOverloadName))
            .Select(s => s.QualifiedOverloadName)
            .ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} registered ops have no kernel:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryKernelHasASchema()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        var orphans = cpu.Kernels.Names.Concat(HostKernels.Table.Names)
            .Where(n => OpRegistry.Default.Find(n) is null).Order(StringComparer.Ordinal).ToList();
        Assert.True(orphans.Count == 0, $"{orphans.Count} kernels have no schema in the registry:\n" + string.Join("\n", orphans));
    }
}

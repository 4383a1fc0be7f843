using Jit.Backends.Cpu;
using Jit.Modules;
using Jit.Tests.Models;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Conformance;

/// <summary>
/// One conformance suite, run on every backend (IREE's CTS): every PyTorch-computed op case, as a
/// one-op graph through the static runtime (fused, so on a device each op is a device kernel), and
/// every model fixture, compared with PyTorch's outputs at the CPU tests' tolerances. A subclass per
/// backend opens it (or says why it cannot, and the tests skip) and lists what it does not support,
/// each with its reason. On a device, tensor ops with no device kernel run as host steps.
/// </summary>
public abstract class BackendConformance
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() =>
        [.. OpCaseFile.Load("math"), .. OpCaseFile.Load("coverage"), .. OpCaseFile.Load("shape")]);

    protected static readonly CpuBackend Host = new(Device.Cpu);

    /// <summary>The backend under test, shared by the suite; null (with <see cref="UnavailableReason"/>) when this machine has none.</summary>
    protected abstract IBackend? Backend { get; }

    protected virtual string UnavailableReason => "";

    /// <summary>Op overloads (or case descriptions) this backend does not support, each with the reason.</summary>
    protected virtual IReadOnlyDictionary<string, string> Unsupported => new Dictionary<string, string>();

    /// <summary>Model fixtures this backend does not run, each with the reason.</summary>
    protected virtual IReadOnlyDictionary<string, string> UnsupportedModels => new Dictionary<string, string>();

    public static IEnumerable<object[]> CaseRows() => OpCaseRunner.Rows(Cases);

    /// <summary>
    /// The first case of each (op overload, dtype of its first tensor): every op and dtype a device
    /// renders, without compiling one kernel per case (all 3,697 cases build about 4,000 kernels,
    /// 12 minutes of PoCL's compiler before its disk cache has them; they all passed on 2026-12-07).
    /// <c>JIT_CONFORMANCE=all</c> runs every case.
    /// </summary>
    public static IEnumerable<object[]> SampledCaseRows()
    {
        if (Environment.GetEnvironmentVariable("JIT_CONFORMANCE") == "all")
        {
            foreach (var row in CaseRows()) yield return row;
            yield break;
        }
        var seen = new HashSet<(string, Jit.Tensors.DType?)>();
        for (int i = 0; i < Cases.Value.Count; i++)
        {
            var c = Cases.Value[i];
            var first = c.Inputs.FirstOrDefault(v => v.IsTensor);
            if (seen.Add((c.Op, first.IsTensor ? first.AsTensor.DType : null))) yield return [i, c.ToString()];
        }
    }

    public static TheoryData<string> ModelNames() => new(ModelFixture.Names());

    /// <summary>Runs op case <paramref name="index"/> (nothing to check where the backend lists it as unsupported).</summary>
    protected void RunCase(int index, string description)
    {
        var backend = RequireBackend();
        var c = Cases.Value[index];
        if (Unsupported.ContainsKey(c.Op) || Unsupported.ContainsKey(description)) return;
        // In-place ops write their inputs, and every backend's suite reads the same cases: each run gets copies.
        var (graph, inputs) = SingleOpGraph.Build(c.Op, [.. c.Inputs.Select(Copy)], c.Outputs.Length);
        using var plan = StaticModule.Create(graph, backend, inputs, fuse: true, host: Host);
        var outputs = plan.Rent().Run(inputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            var (rtol, atol) = OpCaseTolerance.For(c.Op, c.Outputs[i]);
            ValueAssert.Close(c.Outputs[i], outputs[i], rtol, atol, $"{description} on {backend.Device} output {i}");
        }
    }

    /// <summary>Runs model fixture <paramref name="name"/> on input0.npy…; returns the plan's host steps, or null when skipped.</summary>
    protected IReadOnlyList<string>? RunModel(string name)
    {
        var backend = RequireBackend();
        if (UnsupportedModels.ContainsKey(name)) return null;
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host });
        var plan = compiled.PlanFor(inputs);
        // Three runs: a device walks the steps, then records and replays, then replays.
        using var runtime = plan.CreateRuntime();
        for (int run = 0; run < 3; run++) f.AssertMatches(runtime.Run(inputs) is var outputs && outputs.Length == 1 ? outputs[0] : IValue.FromTuple(new IValueTuple(outputs)));
        return [.. plan.HostStepNodes.Concat(runtime.HostStepsRun).Distinct()];
    }

    private static IValue Copy(IValue v)
    {
        if (v.IsTensor)
        {
            var t = v.AsTensor;
            return IValue.FromTensor(new Jit.Tensors.Tensor(new Jit.Tensors.TensorStorage(t.Storage.Bytes.ToArray()), t.DType, t.Sizes, t.Strides, t.StorageOffset));
        }
        return v.IsList ? IValue.FromList(new IValueList(v.AsList.ElementType, [.. v.AsList.Items.Select(Copy)])) : v;
    }

    private IBackend RequireBackend() =>
        Backend ?? throw new InvalidOperationException("the backend is unavailable: " + UnavailableReason);
}

using System.Reflection;
using System.Reflection.Emit;
using Jit.Codegen;
using Jit.Errors;
using Jit.TensorExpr;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>
/// A scheduled kernel as kernel IL: one static method per stage (and per serial form of a row
/// reduction) on a type of its own collectible assembly. ILGPU reads a kernel's IL through
/// reflection, which a DynamicMethod refuses (ILGPU issue 1542); a TypeBuilder method is read like
/// any compiled one.
/// </summary>
public sealed class KernelAssembly
{
    private readonly Dictionary<string, MethodInfo> _entries;

    private KernelAssembly(GpuScheduledKernel scheduled, Dictionary<string, MethodInfo> entries)
    {
        Scheduled = scheduled;
        _entries = entries;
    }

    public GpuScheduledKernel Scheduled { get; }

    /// <summary>Entry points by name, stages in order (a serial form after its stage).</summary>
    public IEnumerable<string> EntryNames => _entries.Keys;

    public MethodInfo Entry(string name) =>
        _entries.TryGetValue(name, out var m) ? m : throw new JitIrException($"kernel {Scheduled.Kernel.Name} has no entry {name}");

    /// <summary>Schedules <paramref name="kernel"/> with work-groups of <paramref name="localSize"/> and emits every entry.</summary>
    public static KernelAssembly Emit(TeKernel kernel, int localSize) => Emit(GpuSchedule.Apply(kernel, localSize));

    public static KernelAssembly Emit(GpuScheduledKernel scheduled)
    {
        var k = scheduled.Kernel;
        var stmts = GpuSchedule.StageStatements(k);
        if (stmts.Count != scheduled.Stages.Count)
            throw new JitIrException($"kernel {k.Name} has {stmts.Count} stage statements for {scheduled.Stages.Count} stages");
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("JitCudaKernel_" + Sanitize(k.Name)), AssemblyBuilderAccess.RunAndCollect);
        var type = assembly.DefineDynamicModule("Kernels").DefineType("K_" + Sanitize(k.Name),
            TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class);
        var names = new List<string>();
        for (int s = 0; s < stmts.Count; s++)
        {
            var stage = scheduled.Stages[s];
            KernelIlEmitter.Define(type, scheduled, stage, stmts[s]);
            names.Add(stage.Entry);
            if (stage.Serial is { } serial)
            {
                KernelIlEmitter.Define(type, scheduled, new GpuStage(serial.Entry, GpuStageKind.Elementwise, stage.Work, stage.LocalSize), serial.Body);
                names.Add(serial.Entry);
            }
        }
        var created = type.CreateType();
        return new KernelAssembly(scheduled, names.ToDictionary(n => n, n => created.GetMethod(MethodName(n))!));
    }

    /// <summary>An entry point's method name: letters, digits and underscores only (PTX identifiers).</summary>
    internal static string MethodName(string entry) => Sanitize(entry);

    private static string Sanitize(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) ? c : '_')]);
}

using Jit.Runtime;
using Jit.Kernels.Building;
using Jit.Kernels.Templates;

namespace Jit.Kernels;

/// <summary>
/// The extern ops (matmul, conv, pooling, gather, concatenation) written once as TE kernel
/// templates, keyed by qualified overload name (<c>aten::conv2d</c>). A template instantiates a
/// kernel for the dtypes, ranks and constant arguments of one call; argument combinations it does
/// not cover (and arguments the op rejects) give no kernel, and the caller runs the op's CPU
/// kernel as an explicit host step instead.
/// </summary>
public static class ExternKernels
{
    private static readonly Lazy<Dictionary<string, TemplateFunction>> Table = new(Create);

    /// <summary>Every overload with a template, sorted.</summary>
    public static IReadOnlyList<string> Names => Table.Value.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The kernel of <paramref name="overloadName"/> for <paramref name="arguments"/> (every schema
    /// argument in order, defaults filled, as a kernel receives them); false with
    /// <paramref name="reason"/> when no template covers them.
    /// </summary>
    public static bool TryBuild(string overloadName, ReadOnlySpan<IValue> arguments, out ExternKernel kernel, out string reason) =>
        TryBuild(overloadName, arguments, KernelTarget.Cpu, out kernel, out reason);

    /// <summary>
    /// As <see cref="TryBuild(string, ReadOnlySpan{IValue}, out ExternKernel, out string)"/>, the
    /// kernel written for <paramref name="target"/> (a GPU form may differ in schedule, never in meaning).
    /// </summary>
    public static bool TryBuild(string overloadName, ReadOnlySpan<IValue> arguments, KernelTarget target, out ExternKernel kernel, out string reason)
    {
        kernel = null!;
        if (!Table.Value.TryGetValue(overloadName, out var template))
        {
            reason = $"{overloadName} has no kernel template";
            return false;
        }
        try
        {
            kernel = template(new TemplateArgs(overloadName, arguments, target));
            reason = "";
            return true;
        }
        catch (UnsupportedArgumentsException e)
        {
            reason = $"{overloadName}: {e.Message}";
            return false;
        }
    }

    /// <summary>As <see cref="TryBuild(string, ReadOnlySpan{IValue}, out ExternKernel, out string)"/> without the reason.</summary>
    public static bool TryBuild(string overloadName, ReadOnlySpan<IValue> arguments, out ExternKernel kernel) =>
        TryBuild(overloadName, arguments, out kernel, out _);

    private static Dictionary<string, TemplateFunction> Create()
    {
        var table = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal);
        MatmulTemplates.Register(table);
        LinearTemplates.Register(table);
        ConvTemplates.Register(table);
        PoolTemplates.Register(table);
        AdaptivePoolTemplates.Register(table);
        GatherTemplates.Register(table);
        ConcatTemplates.Register(table);
        LikeTemplates.Register(table);
        return table;
    }
}

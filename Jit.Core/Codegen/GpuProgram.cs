using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// A <see cref="TeKernel"/> rendered for a GPU-style device (OpenCL C today; CUDA and Vulkan use the
/// same shape): one source text holding one entry point per <see cref="GpuStage"/>, run in order on
/// one in-order queue. A kernel whose body has several top-level statements (a temporary computed,
/// then read by the output loop) needs a device-wide barrier between them, which only a new launch
/// gives, hence stages.
/// <para>
/// The argument order of every entry point (the launch ABI): for each buffer of
/// <see cref="TeKernel.Inputs"/>, then <see cref="TeKernel.Outputs"/>, then <see cref="Temps"/>:
/// a global pointer to its element type and a <c>long</c> element offset into it; then each of
/// <see cref="TeKernel.Params"/> as a <c>long</c>, in order. Bool buffers are bytes (0 or 1).
/// Float16 buffers are 16-bit storage (ushort) converted on load and store.
/// </para>
/// </summary>
/// <param name="Kernel">The kernel as scheduled for the device (what was rendered).</param>
/// <param name="Source">The program text, as the device's compiler takes it.</param>
/// <param name="Stages">Launches in order.</param>
/// <param name="Temps">Global temporaries the host allocates per launch (contiguous, sizes over the params).</param>
public sealed record GpuProgram(TeKernel Kernel, string Source, IReadOnlyList<GpuStage> Stages, IReadOnlyList<TeBuffer> Temps)
{
    /// <summary>Options the device's compiler must be given with <see cref="Source"/> (empty when none).</summary>
    public string BuildOptions { get; init; } = "";
}

/// <summary>
/// One launch of a <see cref="GpuProgram"/>: entry point <see cref="Entry"/>, work-groups of
/// <see cref="LocalSize"/> work-items along axis 0. Every stage is written as grid-stride loops, so
/// it is correct for any number of work-groups from 1 up: the host launches
/// <c>min(ceil(Work / LocalSize), cap)</c> groups for <see cref="GpuStageKind.Elementwise"/> and
/// <c>min(Work, cap)</c> for <see cref="GpuStageKind.GroupPerRow"/> and <see cref="GpuStageKind.Tiled"/>, where <see cref="Work"/> is an
/// expression over the kernel's params.
/// </summary>
public sealed record GpuStage(string Entry, GpuStageKind Kind, Expr Work, int LocalSize)
{
    /// <summary>
    /// For a <see cref="GpuStageKind.GroupPerRow"/> stage, the same stage as one work-item per row
    /// reducing serially (an <see cref="GpuStageKind.Elementwise"/> entry over the same rows). A tree
    /// per row pays only when the rows are too few to fill the device and each is long; the host
    /// picks the form at launch, when both counts are known (<see cref="PreferSerial"/>).
    /// </summary>
    public SerialRows? Serial { get; init; }

    /// <summary>
    /// The rule for picking <see cref="Serial"/>: short rows (under 64 elements), or enough rows to
    /// give each of the device's compute units 256 work-items.
    /// </summary>
    public static bool PreferSerial(long rows, long reducedExtent, int computeUnits) =>
        reducedExtent < 64 || rows >= (long)Math.Max(1, computeUnits) * 256;

    /// <summary>The work-groups a launch of <paramref name="work"/> uses, at most <paramref name="maxGroups"/> (the stages are grid-stride loops).</summary>
    public long Groups(long work, long maxGroups) => Kind switch
    {
        GpuStageKind.Elementwise => Math.Min((work + LocalSize - 1) / LocalSize, maxGroups),
        GpuStageKind.GroupPerRow or GpuStageKind.Tiled => Math.Min(work, maxGroups),
        _ => 1,
    };
}

/// <summary>The serial form of a row-reduction stage: its entry point, its statement, and the length of a row (over the params).</summary>
public sealed record SerialRows(string Entry, Stmt Body, Expr ReducedExtent);

/// <summary>How a stage spreads its work over work-items.</summary>
public enum GpuStageKind
{
    /// <summary>One work-item per element of <see cref="GpuStage.Work"/>, grid-stride.</summary>
    Elementwise,
    /// <summary>One work-group per row (<see cref="GpuStage.Work"/> rows), its work-items combining the row in local memory.</summary>
    GroupPerRow,
    /// <summary>
    /// Written for the device already (a tiled matrix product): a <see cref="LoopKind.GpuBlock"/>
    /// grid-stride loop over <see cref="GpuStage.Work"/> tiles, each run by a work-group of a fixed
    /// <see cref="GpuStage.LocalSize"/> through <see cref="LoopKind.GpuThread"/> loops, barriers,
    /// local and per-work-item buffers.
    /// </summary>
    Tiled,
    /// <summary>A single work-item runs the stage (a scalar or a statement with no parallel loop).</summary>
    Single,
}

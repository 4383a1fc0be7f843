using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// What <see cref="GpuSchedule.Apply"/> makes of a kernel: <see cref="Kernel"/> runs the same as
/// the original (under <see cref="TeEvaluator"/> too) and has the staged shape a GPU printer
/// takes: a chain of <see cref="BufferScope.Global"/> allocations (the <see cref="Temps"/>)
/// around one statement per entry of <see cref="Stages"/>, in order (see
/// <see cref="GpuSchedule.StageStatements"/>).
/// </summary>
/// <param name="Kernel">The scheduled kernel.</param>
/// <param name="Stages">One launch per top-level statement.</param>
/// <param name="Temps">The global temporaries, outermost first.</param>
public sealed record GpuScheduledKernel(TeKernel Kernel, IReadOnlyList<GpuStage> Stages, IReadOnlyList<TeBuffer> Temps);

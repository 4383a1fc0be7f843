using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime.Static;

/// <summary>
/// One step of a <see cref="StaticModule"/>: reads and writes slots of the per-call frame of a
/// <see cref="StaticRuntime"/>. Steps are immutable and shared by every runtime of the plan.
/// </summary>
internal abstract class StaticStep
{
    protected StaticStep(Node node)
    {
        string text = node.ToString().Trim();
        if (text.Length > 200) text = text[..200] + "…";
        Description = node.SourceRange is { } r ? $"{text} (at {r})" : text;
    }

    /// <summary>The node, as errors name it.</summary>
    public string Description { get; }

    public abstract void Run(StaticRuntime runtime);

    /// <summary>
    /// Runs <paramref name="steps"/> in order, adding the failing node to an error (as the interpreter
    /// does). A non-empty <paramref name="stepTicks"/> (one per step) gets each step's elapsed
    /// <see cref="System.Diagnostics.Stopwatch"/> ticks added (on a device, until its work is done).
    /// </summary>
    public static void RunAll(StaticStep[] steps, StaticRuntime runtime, Span<long> stepTicks = default)
    {
        bool timed = !stepTicks.IsEmpty;
        // On a device, launches return before the work is done: a timed step waits for its work,
        // so each step's time is its device time (plus its launch), not the time to enqueue it.
        var queue = timed && !runtime.Module.Backend.IsHost ? runtime.Queue : null;
        for (int i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            try
            {
                long start = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                step.Run(runtime);
                queue?.Synchronize();
                if (timed) stepTicks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            }
            catch (JitException e)
            {
                if (e.Context.Count == 0 || !e.Context[^1].StartsWith("while running", StringComparison.Ordinal))
                    e.WithContext("while running " + step.Description);
                throw;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                          or InvalidCastException or OverflowException or NullReferenceException
                                          or ArithmeticException or NotSupportedException)
            {
                throw new JitRuntimeException($"internal error in {step.Description}: {e.Message}", e)
                    .WithContext("while running " + step.Description);
            }
        }
    }
}

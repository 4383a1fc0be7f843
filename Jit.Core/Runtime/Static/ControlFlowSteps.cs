using Jit.Ir;

namespace Jit.Runtime.Static;

/// <summary>
/// <c>prim::If</c>: runs one nested step list, then passes that block's outputs to the node's. A
/// result written in place shares its output's slot. With <c>copyIntoOutputs</c> (an If planned as
/// writing fresh buffers) the output slots hold their destinations and the other results are copied in.
/// </summary>
internal sealed class IfStep(Node node, int condition, StaticStep[] thenSteps, int[] thenOutputs,
    StaticStep[] elseSteps, int[] elseOutputs, int[] outputs, bool copyIntoOutputs) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        bool cond = frame[condition].AsBool;
        RunAll(cond ? thenSteps : elseSteps, runtime);
        var results = cond ? thenOutputs : elseOutputs;
        for (int i = 0; i < outputs.Length; i++)
        {
            if (results[i] == outputs[i]) continue;
            if (copyIntoOutputs) runtime.CopyInto(frame[outputs[i]].AsTensor, frame[results[i]].AsTensor, "the If's output", i);
            else frame[outputs[i]] = frame[results[i]];
        }
    }
}

/// <summary>
/// <c>prim::Loop(max_trip_count, initial_condition, carried...)</c> with body
/// <c>block(i, carried...) -> (condition, carried...)</c>, as PyTorch defines it. Carried values
/// move through the body's input slots; a temporary row keeps a body output that is also read as
/// another body input from being overwritten before it is read.
/// </summary>
internal sealed class LoopStep(Node node, int maxTrips, int initialCondition, int[] carriedInputs,
    StaticStep[] body, int[] bodyInputs, int[] bodyOutputs, int[] outputs) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        long trips = frame[maxTrips].AsInt;
        bool cond = frame[initialCondition].AsBool;
        int carried = carriedInputs.Length;
        for (int i = 0; i < carried; i++) frame[bodyInputs[i + 1]] = frame[carriedInputs[i]];
        for (long trip = 0; trip < trips && cond; trip++)
        {
            frame[bodyInputs[0]] = trip;
            RunAll(body, runtime);
            cond = frame[bodyOutputs[0]].AsBool;
            if (carried == 0) continue;
            // The body's results become its next inputs; staged so (a, b) -> (b, a) swaps correctly.
            var stage = runtime.LoopScratch(carried);
            for (int i = 0; i < carried; i++) stage[i] = frame[bodyOutputs[i + 1]];
            for (int i = 0; i < carried; i++) frame[bodyInputs[i + 1]] = stage[i];
            stage.Clear();
        }
        for (int i = 0; i < carried; i++) frame[outputs[i]] = frame[bodyInputs[i + 1]];
    }
}

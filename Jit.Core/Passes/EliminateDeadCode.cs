using Jit.Ir;
using Jit.Passes.Analysis;

namespace Jit.Passes;

/// <summary>
/// Removes nodes whose results nobody needs, as PyTorch's <c>EliminateDeadCode</c>: a mark phase
/// from the graph's outputs, from nodes with side effects (print, warn, raise, setattr, unknown
/// ops, writes to memory the graph does not own) and from nodes that write to memory a live
/// value may alias; then a sweep. Unused outputs of <c>prim::If</c> and unused loop-carried
/// values of <c>prim::Loop</c> go too, with what computed them in the blocks.
/// </summary>
public sealed class EliminateDeadCode : IGraphPass
{
    public string Name => nameof(EliminateDeadCode);

    public bool Run(Graph graph) => new Eliminator(graph).Run();

    private sealed class Eliminator(Graph graph)
    {
        private readonly AliasAnalysis _aliases = new(graph);
        private readonly HashSet<Node> _marked = [];
        private readonly HashSet<Value> _live = [];
        private readonly Dictionary<Node, bool> _effects = [];

        public bool Run()
        {
            foreach (var v in graph.Outputs) _live.Add(v);
            // Liveness flows backwards through the block and around loops' back edges: repeat
            // until nothing new is marked (a write late in a loop body feeds the next iteration).
            while (MarkBlock(graph.Block)) { }
            return Sweep(graph.Block);
        }

        private bool MarkBlock(Block b)
        {
            bool any = MarkReturn(b);
            foreach (var n in b.NodesReversed)
            {
                foreach (var sub in n.Blocks) any |= MarkBlock(sub);
                if (!_marked.Contains(n) && IsNeeded(n)) any |= Mark(n);
            }
            return any;
        }

        // A block's outputs are live where its owner needs them: an If's output i needs output i
        // of each branch; a loop needs its condition and the carried values that are live after
        // the loop or read in the next iteration.
        private bool MarkReturn(Block b)
        {
            if (b.OwningNode is not { } owner || !_marked.Contains(owner)) return false;
            bool any = false;
            if (owner.Kind == "prim::Loop")
            {
                any |= _live.Add(b.Outputs[0]);
                for (int i = 0; i < owner.Outputs.Count; i++)
                {
                    if (!_live.Contains(owner.Outputs[i]) && !_live.Contains(b.Inputs[i + 1])) continue;
                    any |= _live.Add(b.Outputs[i + 1]);
                    any |= _live.Add(owner.Inputs[i + 2]);
                }
                return any;
            }
            for (int i = 0; i < owner.Outputs.Count && i < b.Outputs.Count; i++)
                if (_live.Contains(owner.Outputs[i])) any |= _live.Add(b.Outputs[i]);
            return any;
        }

        private bool IsNeeded(Node n)
        {
            if (n.Outputs.Any(_live.Contains)) return true;
            // Nodes with blocks are kept by what their blocks need (a nested node marks its owners).
            if (n.Blocks.Count > 0) return false;
            if (HasSideEffects(n)) return true;
            return _aliases.WritesTo(n).Count > 0 && _aliases.WritesToAlias(n, _live);
        }

        private bool HasSideEffects(Node n)
        {
            if (!_effects.TryGetValue(n, out bool e)) _effects[n] = e = _aliases.HasSideEffects(n);
            return e;
        }

        private bool Mark(Node n)
        {
            if (!_marked.Add(n)) return false;
            // A loop's carried inputs are live only slot by slot (MarkReturn); its trip count and
            // initial condition always are.
            int inputs = n.Kind == "prim::Loop" ? Math.Min(2, n.Inputs.Count) : n.Inputs.Count;
            for (int i = 0; i < inputs; i++) _live.Add(n.Inputs[i]);
            if (n.Owner?.OwningNode is { } owner) Mark(owner);
            return true;
        }

        private bool Sweep(Block b)
        {
            bool changed = false;
            foreach (var n in b.NodesReversed)
            {
                if (!_marked.Contains(n))
                {
                    n.Destroy();
                    changed = true;
                    continue;
                }
                if (n.Kind == "prim::Loop") changed |= SweepLoop(n);
                else
                {
                    if (n.Kind == "prim::If") changed |= RemoveDeadIfOutputs(n);
                    foreach (var sub in n.Blocks) changed |= Sweep(sub);
                }
            }
            return changed;
        }

        private bool RemoveDeadIfOutputs(Node n)
        {
            bool changed = false;
            for (int i = n.Outputs.Count - 1; i >= 0; i--)
            {
                if (_live.Contains(n.Outputs[i]) || n.Outputs[i].HasUses) continue;
                foreach (var sub in n.Blocks) sub.EraseOutput(i);
                n.EraseOutput(i);
                changed = true;
            }
            return changed;
        }

        private bool SweepLoop(Node n)
        {
            var body = n.Blocks[0];
            var dead = new List<int>();
            for (int i = n.Outputs.Count - 1; i >= 0; i--)
            {
                if (_live.Contains(n.Outputs[i]) || _live.Contains(body.Inputs[i + 1]) || n.Outputs[i].HasUses) continue;
                dead.Add(i);
                body.EraseOutput(i + 1);
            }
            bool changed = Sweep(body);
            foreach (int i in dead)
            {
                body.EraseInput(i + 1);
                n.RemoveInput(i + 2);
                n.EraseOutput(i);
                changed = true;
            }
            return changed;
        }
    }
}

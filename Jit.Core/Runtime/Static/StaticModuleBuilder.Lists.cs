using Jit.Ir;
using Jit.Ops;

namespace Jit.Runtime.Static;

// Lists built per run that nothing keeps: each runtime refills one list of its own (ReusedListStep).
internal sealed partial class StaticModuleBuilder
{
    private readonly Dictionary<Node, ReusedList> _reusedLists = [];

    /// <summary>
    /// The <c>prim::ListConstruct</c>s whose list provably does not outlive the run, or the loop
    /// iteration, that built it: every use appends to it (the append's result unused) or reads it
    /// without keeping it (<see cref="AbstractValue.ListReaders"/>). Not returned, not stored, not put in another
    /// container, not carried by a loop: so reusing one list per runtime changes nothing observable.
    /// </summary>
    private void FindReusedLists()
    {
        foreach (var n in _graph.AllNodes())
        {
            if (n.Kind != "prim::ListConstruct" || n.Output().Type is not ListType list) continue;
            if (n.Output().Uses.All(AbstractValue.IsReadOrAppend))
                _reusedLists[n] = new ReusedList(Slot(n.Output()), list.Element);
        }
    }
}

using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// The default GPU schedule: turns a lowered <see cref="TeKernel"/> into the staged form of a
/// <see cref="GpuProgram"/>, one <see cref="GpuStage"/> per top-level statement.
/// <list type="bullet">
/// <item>Allocations among the top-level statements become <see cref="BufferScope.Global"/> temporaries.</item>
/// <item>A loop nest whose iterations are independent (every store indexed by all the nest's
///   indices) is flattened to one grid-stride <see cref="LoopKind.GpuGlobal"/> loop, its indices
///   recovered by div/mod: <see cref="GpuStageKind.Elementwise"/>.</item>
/// <item>A nest whose body initialises one element and reduces into it over inner loops (what
///   the lowering emits for sum, mean, amax, softmax, norms) becomes
///   <see cref="GpuStageKind.GroupPerRow"/> (see <see cref="GpuReductionSchedule"/>); a custom
///   combiner or a short constant reduction stays serial per row, elementwise.</item>
/// <item>A <see cref="LoopKind.GpuBlock"/> loop (a statement written for the device, such as a
///   tiled matrix product) is kept as it is: <see cref="GpuStageKind.Tiled"/>, its work-group size
///   the extent of its thread loops.</item>
/// <item>Anything else runs on one work-item: <see cref="GpuStageKind.Single"/>.</item>
/// </list>
/// The result runs the same as the input under <see cref="TeEvaluator"/>, up to the order of
/// floating-point sums and products.
/// </summary>
public static class GpuSchedule
{
    /// <summary>Work-items per work-group unless told otherwise.</summary>
    public const int DefaultLocalSize = 256;

    /// <summary>A constant reduced extent at most this long is reduced serially by one work-item.</summary>
    public const int SerialReductionLimit = 32;

    /// <summary>
    /// Schedules <paramref name="kernel"/> with work-groups of <paramref name="localSize"/>
    /// work-items (a power of two); entry points are named <c>{kernel}_s{k}</c>.
    /// </summary>
    public static GpuScheduledKernel Apply(TeKernel kernel, int localSize = DefaultLocalSize)
    {
        if (localSize < 1 || (localSize & (localSize - 1)) != 0)
            throw new ArgumentException($"local size {localSize} is not a power of two", nameof(localSize));
        TeVerifier.Verify(kernel);
        var temps = new List<TeBuffer>();
        var units = Flatten(kernel.Body, temps);
        var text = TePrinter.Print(kernel);
        var stmts = new List<Stmt>();
        var stages = new List<GpuStage>();
        var parameters = kernel.Params.ToHashSet();
        foreach (var unit in Units(units))
        {
            var (stmt, kind, work, groupSize, serial) = ScheduleUnit(unit, localSize, text, parameters);
            string entry = $"{kernel.Name}_s{stages.Count}";
            stages.Add(new GpuStage(entry, kind, work, groupSize)
            {
                Serial = serial is null ? null : new SerialRows(entry + "_serial", serial.Value.Body, serial.Value.Extent),
            });
            stmts.Add(stmt);
        }
        Stmt result = new BlockStmt(NodeList.From(stmts));
        for (int t = temps.Count - 1; t >= 0; t--) result = new AllocateStmt(temps[t], result, BufferScope.Global);
        var scheduled = kernel with { Body = result };
        TeVerifier.Verify(scheduled);
        return new GpuScheduledKernel(scheduled, stages, temps);
    }

    /// <summary>The statements of a scheduled kernel's stages, in order, under its global temporaries.</summary>
    public static IReadOnlyList<Stmt> StageStatements(TeKernel scheduled)
    {
        var body = scheduled.Body;
        while (body is AllocateStmt { Scope: BufferScope.Global } a) body = a.Body;
        return body is BlockStmt b ? b.Stmts.ToList() : [body];
    }

    // The top-level statements, with every allocation among them hoisted into temps (names are
    // unique where they are live; a name allocated twice stays where it is).
    private static List<Stmt> Flatten(Stmt s, List<TeBuffer> temps)
    {
        var list = new List<Stmt>();
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) list.AddRange(Flatten(x, temps));
                break;
            case AllocateStmt a when temps.All(t => t.Name != a.Buffer.Name):
                temps.Add(a.Buffer);
                list.AddRange(Flatten(a.Body, temps));
                break;
            default:
                list.Add(s);
                break;
        }
        return list;
    }

    // A store of a constant element followed by a loop nest reducing into that element is one
    // unit (a whole-tensor reduction into a scalar).
    private static IEnumerable<Stmt> Units(List<Stmt> stmts)
    {
        for (int k = 0; k < stmts.Count; k++)
        {
            if (k + 1 < stmts.Count && stmts[k] is StoreStmt && stmts[k + 1] is ForStmt
                && GpuReductionSchedule.Match(new HashSet<Var>(), new BlockStmt(NodeList.Create<Stmt>([stmts[k], stmts[k + 1]]))) is not null)
            {
                yield return new BlockStmt(NodeList.Create<Stmt>([stmts[k], stmts[k + 1]]));
                k++;
            }
            else yield return stmts[k];
        }
    }

    // A row reduction over a nest of rows also gets its serial form (one work-item per row), which
    // the host launches instead where the rows are many or short (GpuStage.PreferSerial).
    private static (Stmt Stmt, GpuStageKind Kind, Expr Work, int LocalSize, (Stmt Body, Expr Extent)? Serial) ScheduleUnit(
        Stmt unit, int localSize, string kernelText, HashSet<Var> parameters)
    {
        if (unit is ForStmt { Annotation.Kind: LoopKind.GpuBlock, Start: IntImm { Value: 0 } } tiled)
            return (tiled, GpuStageKind.Tiled, tiled.Stop, ThreadExtent(tiled), null);
        var nest = LoopNest.Peel(unit);
        var reduction = GpuReductionSchedule.Match(nest.Indices.ToHashSet(), nest.Body);
        if (reduction is not null && !(nest.Loops.Count > 0 && IsShort(reduction.Extent)))
        {
            var rows = nest.Total();
            // The host picks the form by the row's length, so that length must follow from the params
            // alone (an adaptive pooling window's depends on the row, and stays a tree).
            (Stmt, Expr)? serial = nest.Loops.Count > 0 && Independent(nest) && FreeVars.Of(reduction.Extent).IsSubsetOf(parameters)
                ? (GridStride(nest, kernelText), reduction.Extent) : null;
            return (GpuReductionSchedule.Build(nest, reduction, localSize, kernelText), GpuStageKind.GroupPerRow, rows, localSize, serial);
        }
        if (nest.Loops.Count > 0 && Independent(nest))
            return (GridStride(nest, kernelText), GpuStageKind.Elementwise, nest.Total(), localSize, null);
        return (unit, GpuStageKind.Single, Expr.Int(1), 1, null);
    }

    // The nest flattened to one grid-stride loop over all its iterations, indices recovered by div/mod.
    private static ForStmt GridStride(LoopNest nest, string kernelText)
    {
        var g = new Var(FreshName(kernelText, "gid"));
        return new ForStmt(g, 0, nest.Total(), nest.Recover(g, nest.Body), LoopAnnotation.GpuGlobal(0));
    }

    // The work-group size of a statement written for the device: the extent of its thread loops,
    // which must all run from 0 to one constant (a power of two, as any local size here).
    private static int ThreadExtent(ForStmt block)
    {
        var extents = new HashSet<long>();
        void Walk(Stmt s)
        {
            switch (s)
            {
                case ForStmt { Annotation.Kind: LoopKind.GpuThread } f:
                    extents.Add(f is { Start: IntImm { Value: 0 }, Stop: IntImm { Value: var n } } ? n : -1);
                    break;
                case ForStmt f: Walk(f.Body); break;
                case BlockStmt b: foreach (var x in b.Stmts) Walk(x); break;
                case AllocateStmt a: Walk(a.Body); break;
                case IfStmt i: Walk(i.Then); if (i.Else is not null) Walk(i.Else); break;
            }
        }
        Walk(block.Body);
        if (extents.Count != 1 || extents.First() is not (> 0 and <= int.MaxValue) || (extents.First() & (extents.First() - 1)) != 0)
            throw new ArgumentException($"block loop {block.Index.Name}: its thread loops must all run from 0 to one constant power of two");
        return (int)extents.First();
    }


    private static bool IsShort(Expr extent) => extent is IntImm { Value: <= SerialReductionLimit };

    // Iterations of the nest are independent when every write names each nest index as one of its
    // indices (so no two iterations write one element) and every read of a buffer the nest writes
    // reads the very element written (so no iteration reads another's result).
    private static bool Independent(LoopNest nest)
    {
        var info = FreeVars.OfStmt(nest.Body);
        var indices = nest.Indices.ToList();
        foreach (var (buffer, idx) in info.Writes)
        {
            // A buffer allocated inside the body is private to one iteration.
            if (info.Allocated.Contains(buffer.Name)) continue;
            if (!indices.All(v => idx.Any(i => i is Var x && x.Equals(v)))) return false;
            foreach (var load in info.Loads)
            {
                if (load.Buffer.Name == buffer.Name && !load.Indices.Equals(idx)) return false;
            }
        }
        return true;
    }

    /// <summary>A name starting with <paramref name="stem"/> that does not occur in <paramref name="text"/>.</summary>
    internal static string FreshName(string text, string stem)
    {
        var name = stem;
        for (int k = 1; text.Contains(name, StringComparison.Ordinal); k++) name = stem + k;
        return name;
    }
}

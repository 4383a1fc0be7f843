using System.Text;
using Jit.Errors;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// Prints a kernel scheduled by <see cref="GpuSchedule"/> as C-like source, one entry point per
/// stage, in the spellings of a <see cref="CStyleDialect"/>. The launch ABI is
/// <see cref="GpuProgram"/>'s: every buffer is a pointer plus a <c>long</c> element offset, then
/// the params as <c>long</c>. Values are computed with the oracle's semantics (see
/// <c>ScalarMath</c>): integers wrap at their width, 16-bit floats compute in float and round
/// after each operation, max/min propagate NaN; the helpers doing so are emitted where used.
/// </summary>
public sealed partial class CStylePrinter
{
    private readonly CStyleDialect _d;
    private readonly Dictionary<string, (TeBuffer Buffer, BufferScope Scope)> _buffers = [];
    private StringBuilder _sb = new();
    private readonly List<string> _localDecls = [];
    private int _indent;
    private int _localSize;

    private CStylePrinter(CStyleDialect dialect) => _d = dialect;

    /// <summary>The whole program text for <paramref name="scheduled"/>.</summary>
    public static string Print(GpuScheduledKernel scheduled, CStyleDialect dialect)
    {
        var p = new CStylePrinter(dialect);
        var k = scheduled.Kernel;
        foreach (var b in k.Inputs.Concat(k.Outputs).Concat(scheduled.Temps)) p._buffers[b.Name] = (b, BufferScope.Global);
        var stmts = GpuSchedule.StageStatements(k);
        if (stmts.Count != scheduled.Stages.Count)
            throw new JitIrException($"kernel {k.Name} has {stmts.Count} stage statements for {scheduled.Stages.Count} stages");
        var entries = new StringBuilder();
        for (int s = 0; s < stmts.Count; s++)
        {
            var stage = scheduled.Stages[s];
            entries.Append('\n').Append(p.Entry(scheduled, stage, stmts[s]));
            if (stage.Serial is { } serial)
                entries.Append('\n').Append(p.Entry(scheduled, new GpuStage(serial.Entry, GpuStageKind.Elementwise, stage.Work, stage.LocalSize), serial.Body));
        }
        string body = entries.ToString();
        string helpers = CStyleHelpers.Needed(dialect, body);
        bool usesDouble = (helpers + body).Contains("double", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("// ").Append(k.Name).Append(": ").Append(stmts.Count).Append(" stage(s)\n");
        sb.Append(dialect.Preamble(usesDouble));
        if (helpers.Length > 0) sb.Append('\n').Append(helpers);
        sb.Append(body);
        return sb.ToString();
    }

    private string Entry(GpuScheduledKernel scheduled, GpuStage stage, Stmt stmt)
    {
        var k = scheduled.Kernel;
        var args = new List<string>();
        foreach (var b in k.Inputs) args.Add(Pointer(b, isConst: true));
        foreach (var b in k.Outputs.Concat(scheduled.Temps)) args.Add(Pointer(b, isConst: false));
        foreach (var p in k.Params) args.Add($"{_d.TypeName(DType.Int64)} {p.Name}");
        _localSize = stage.LocalSize;
        _localDecls.Clear();
        _sb = new StringBuilder();
        _indent = 1;
        if (stage.Kind == GpuStageKind.Single) Line($"if ({_d.GlobalId(0)} != 0) return;");
        Statement(stmt);
        var sb = new StringBuilder();
        sb.Append(_d.KernelPrefix(stage.LocalSize)).Append(' ').Append(stage.Entry).Append('(').AppendJoin(", ", args).Append(")\n{\n");
        foreach (var decl in _localDecls) sb.Append("  ").Append(decl).Append('\n');
        sb.Append(_sb).Append("}\n");
        return sb.ToString();
    }

    private string Pointer(TeBuffer b, bool isConst)
    {
        var parts = new[] { _d.GlobalQualifier, isConst ? "const" : "", _d.StorageTypeName(b.DType) + "*", b.Name };
        return string.Join(" ", parts.Where(x => x.Length > 0)) + $", {_d.TypeName(DType.Int64)} {b.Name}_off";
    }

    private void Line(string text) => _sb.Append(' ', 2 * _indent).Append(text).Append('\n');

    private void Nested(string head, Stmt body)
    {
        Line(head + " {");
        _indent++;
        Statement(body, scoped: true);
        _indent--;
        Line("}");
    }

    // scoped: s is the whole body of a C block, so a private allocation needs no braces of its own.
    private void Statement(Stmt s, bool scoped = false)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) Statement(x);
                break;
            case StoreStmt st:
                Line(Store(st.Buffer, st.Indices, E(st.Value)));
                break;
            case ReduceStmt r:
                Line(Store(r.Buffer, r.Indices, E(r.Reducer.Combine(r.Buffer.Load(r.Indices), r.Value))));
                break;
            case ForStmt f:
                For(f);
                break;
            case IfStmt i:
                Nested($"if ({Unparen(E(i.Cond))})", i.Then);
                if (i.Else is not null) Nested("else", i.Else);
                break;
            case BarrierStmt:
                Line(_d.Barrier);
                break;
            case AllocateStmt a:
                Allocate(a, scoped);
                break;
            default:
                throw new JitIrException($"cannot print statement {s.GetType().Name}");
        }
    }

    private void For(ForStmt f)
    {
        string t = _d.TypeName(f.Index.VarType), i = f.Index.Name, start = E(f.Start), stop = E(f.Stop);
        string from(string id) => f.Start is IntImm { Value: 0 } ? id : $"{start} + {id}";
        int axis = f.Annotation.Axis;
        switch (f.Annotation.Kind)
        {
            case LoopKind.GpuGlobal:
                Nested($"for ({t} {i} = {from(_d.GlobalId(axis))}; {i} < {stop}; {i} += {_d.GlobalSize(axis)})", f.Body);
                break;
            case LoopKind.GpuBlock:
                Nested($"for ({t} {i} = {from(_d.GroupId(axis))}; {i} < {stop}; {i} += {_d.NumGroups(axis)})", f.Body);
                break;
            case LoopKind.GpuThread when f.Start is IntImm { Value: 0 } && f.Stop is IntImm { Value: var n } && n == _localSize && axis == 0:
                Line("{");
                _indent++;
                Line($"const {t} {i} = {_d.LocalId(axis)};");
                Statement(f.Body, scoped: true);
                _indent--;
                Line("}");
                break;
            case LoopKind.GpuThread:
                Nested($"for ({t} {i} = {from(_d.LocalId(axis))}; {i} < {stop}; {i} += {_d.LocalSize(axis)})", f.Body);
                break;
            default:
                Nested($"for ({t} {i} = {start}; {i} < {stop}; {i}++)", f.Body);
                break;
        }
    }

    private void Allocate(AllocateStmt a, bool scoped)
    {
        var b = a.Buffer;
        string t = _d.TypeName(b.DType);
        switch (a.Scope)
        {
            case BufferScope.Local:
                _localDecls.Add($"{_d.LocalQualifier} {t} {b.Name}[{ConstantSize(b)}];".TrimStart());
                _buffers[b.Name] = (b, BufferScope.Local);
                Statement(a.Body, scoped);
                break;
            case BufferScope.Private or BufferScope.Auto:
                if (!scoped) Line("{");
                if (!scoped) _indent++;
                var body = a.Body;
                // "T x; x = v;" reads better as "T x = v;".
                if (b.Rank == 0 && body is BlockStmt { Stmts.Count: > 0 } first && first.Stmts[0] is StoreStmt init && init.Buffer.Name == b.Name)
                {
                    Line($"{t} {b.Name} = {E(init.Value)};");
                    body = new BlockStmt(NodeList.From(first.Stmts.Skip(1)));
                }
                else Line(b.Rank == 0 ? $"{t} {b.Name};" : $"{t} {b.Name}[{ConstantSize(b)}];");
                _buffers[b.Name] = (b, BufferScope.Private);
                Statement(body, scoped: true);
                if (!scoped) _indent--;
                if (!scoped) Line("}");
                break;
            case BufferScope.PerWorkItem:
                // One slice per work-item: dim 0 (the work-item) is dropped from the declaration and every access.
                if (!scoped) Line("{");
                if (!scoped) _indent++;
                Line($"{t} {b.Name}[{ConstantSize(b) / Math.Max(1, Constant(b.Sizes[0], b))}];");
                _buffers[b.Name] = (b, BufferScope.PerWorkItem);
                Statement(a.Body, scoped: true);
                if (!scoped) _indent--;
                if (!scoped) Line("}");
                break;
            default:
                throw new JitIrException($"global allocation {b.Name} inside a stage: only top-level temporaries can be global");
        }
        _buffers.Remove(b.Name);
    }

    // "(a < b)" as "a < b" where the parentheses enclose the whole text.
    private static string Unparen(string text)
    {
        if (text.Length < 2 || text[0] != '(' || text[^1] != ')') return text;
        int depth = 0;
        for (int i = 0; i < text.Length - 1; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (depth == 0) return text;
        }
        return text[1..^1];
    }

    private static long ConstantSize(TeBuffer b)
    {
        long n = 1;
        foreach (var s in b.Sizes) n *= Constant(s, b);
        return Math.Max(n, 1);
    }

    private static long Constant(Expr size, TeBuffer b) =>
        TeSimplifier.Simplify(size) is IntImm { Value: >= 0 } c ? c.Value
        : throw new JitIrException($"buffer {b.Name} in private or local memory needs constant sizes, has {size}");

    // The element offset of an access: strides from the buffer; a global buffer adds its _off.
    private string Offset(TeBuffer b, NodeList<Expr> indices, bool global, int firstDim = 0)
    {
        var terms = new List<string>();
        if (global) terms.Add(b.Name + "_off");
        for (int d = firstDim; d < indices.Count; d++)
        {
            if (indices[d] is IntImm { Value: 0 } || b.Strides[d] is IntImm { Value: 0 }) continue;
            string i = E(indices[d]);
            terms.Add(b.Strides[d] is IntImm { Value: 1 } ? i : $"{i} * {E(b.Strides[d])}");
        }
        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    // A per-work-item buffer is indexed within the work-item's own slice: dim 0 is implied.
    private static int SliceDim(BufferScope scope) => scope == BufferScope.PerWorkItem ? 1 : 0;

    private (TeBuffer Buffer, BufferScope Scope) Lookup(TeBuffer b) =>
        _buffers.TryGetValue(b.Name, out var x) ? x : throw new JitIrException($"buffer {b.Name} is not declared where it is used");

    private string Store(TeBuffer b, NodeList<Expr> indices, string value)
    {
        var (_, scope) = Lookup(b);
        if (scope != BufferScope.Global) return b.Rank == 0 ? $"{b.Name} = {value};" : $"{b.Name}[{Offset(b, indices, false, SliceDim(scope))}] = {value};";
        string off = Offset(b, indices, true);
        return b.DType switch
        {
            DType.Float16 => _d.StoreHalf(value, b.Name, off),
            DType.BFloat16 => $"{b.Name}[{off}] = jit_f2bf({value});",
            _ => $"{b.Name}[{off}] = {value};",
        };
    }

    private string Load(LoadExpr l)
    {
        var b = l.Buffer;
        var (_, scope) = Lookup(b);
        if (scope != BufferScope.Global) return b.Rank == 0 ? b.Name : $"{b.Name}[{Offset(b, l.Indices, false, SliceDim(scope))}]";
        string off = Offset(b, l.Indices, true);
        return b.DType switch
        {
            DType.Float16 => _d.LoadHalf(b.Name, off),
            DType.BFloat16 => $"jit_bf2f({b.Name}[{off}])",
            _ => $"{b.Name}[{off}]",
        };
    }
}

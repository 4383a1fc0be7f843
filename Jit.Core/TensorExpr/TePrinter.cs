using System.Globalization;
using System.Text;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// The readable text form of TE kernels, statements and expressions (golden tests,
/// <c>jit inspect --fusion</c>, and the kernel cache key). Every field of every node is shown, so
/// equal text means equal kernels. Example:
/// <code>
/// kernel add(n: int64, a_stride0: int64)
///   in a: float32[n] strides [a_stride0]
///   out out: float32[n] strides [1]
/// {
///   for out_i0 in [0, n) vectorize(8) {
///     out[out_i0] = a[out_i0] + 1f;
///   }
/// }
/// </code>
/// </summary>
public sealed class TePrinter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    private TePrinter() { }

    public static string Print(TeKernel kernel)
    {
        var p = new TePrinter();
        p.Kernel(kernel);
        return p._sb.ToString();
    }

    public static string Print(Stmt stmt)
    {
        var p = new TePrinter();
        p.Statement(stmt);
        return p._sb.ToString();
    }

    public static string Print(Expr expr)
    {
        var p = new TePrinter();
        p.Expression(expr, 0);
        return p._sb.ToString();
    }

    private void Kernel(TeKernel k)
    {
        _sb.Append("kernel ").Append(k.Name).Append('(');
        _sb.AppendJoin(", ", k.Params.Select(v => $"{v.Name}: {v.VarType.PythonName()}"));
        _sb.Append(")\n");
        foreach (var b in k.Inputs) BufferDecl("in", b);
        foreach (var b in k.Outputs) BufferDecl("out", b);
        _sb.Append("{\n");
        _indent = 1;
        Statement(k.Body);
        _sb.Append("}\n");
    }

    private void BufferDecl(string role, TeBuffer b)
    {
        _sb.Append("  ").Append(role).Append(' ');
        BufferType(b);
        _sb.Append('\n');
    }

    private void BufferType(TeBuffer b)
    {
        _sb.Append(b.Name).Append(": ").Append(b.DType.PythonName()).Append('[');
        ExprList(b.Sizes);
        _sb.Append("] strides [");
        ExprList(b.Strides);
        _sb.Append(']');
    }

    private void Line(string text) => _sb.Append(' ', 2 * _indent).Append(text);

    private void Statement(Stmt s)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts) Statement(x);
                break;
            case StoreStmt st:
                Line("");
                Access(st.Buffer, st.Indices);
                _sb.Append(" = ");
                Expression(st.Value, 0);
                _sb.Append(";\n");
                break;
            case ReduceStmt r:
                Line("");
                Access(r.Buffer, r.Indices);
                _sb.Append(r.Reducer.Kind switch
                {
                    ReduceKind.Sum => " += ",
                    ReduceKind.Prod => " *= ",
                    ReduceKind.Max => " max= ",
                    ReduceKind.Min => " min= ",
                    ReduceKind.Any => " any= ",
                    ReduceKind.All => " all= ",
                    _ => $" reduce[{VarDecl(r.Reducer.Acc!)}, {VarDecl(r.Reducer.X!)} => {Print(r.Reducer.Combiner!)}; init {Print(r.Reducer.InitValue!)}]= ",
                });
                Expression(r.Value, 0);
                _sb.Append(";\n");
                break;
            case ForStmt f:
                Line("for " + VarDecl(f.Index) + " in [");
                Expression(f.Start, 0);
                _sb.Append(", ");
                Expression(f.Stop, 0);
                _sb.Append(')');
                if (f.Annotation.Kind != LoopKind.Serial) _sb.Append(' ').Append(f.Annotation);
                Nested(f.Body);
                break;
            case IfStmt i:
                Line("if (");
                Expression(i.Cond, 0);
                _sb.Append(')');
                Nested(i.Then);
                if (i.Else is not null)
                {
                    Line("else");
                    Nested(i.Else);
                }
                break;
            case BarrierStmt:
                Line("barrier;\n");
                break;
            case AllocateStmt a:
                Line(a.Scope == BufferScope.Auto ? "alloc " : $"alloc {a.Scope.ToString().ToLowerInvariant()} ");
                BufferType(a.Buffer);
                Nested(a.Body);
                break;
        }
    }

    private static string VarDecl(Var v) => v.VarType == DType.Int64 ? v.Name : $"{v.Name}: {v.VarType.PythonName()}";

    private void Nested(Stmt body)
    {
        _sb.Append(" {\n");
        _indent++;
        Statement(body);
        _indent--;
        Line("}\n");
    }

    private void Access(TeBuffer b, NodeList<Expr> indices)
    {
        _sb.Append(b.Name).Append('[');
        ExprList(indices);
        _sb.Append(']');
    }

    private void ExprList(IEnumerable<Expr> list)
    {
        bool first = true;
        foreach (var e in list)
        {
            if (!first) _sb.Append(", ");
            first = false;
            Expression(e, 0);
        }
    }

    // Binding strength, C-like; a child binding less tightly than its context gets parentheses.
    private static int Precedence(BinaryOp op) => op switch
    {
        BinaryOp.Or => 1,
        BinaryOp.Xor => 2,
        BinaryOp.And => 3,
        BinaryOp.Eq or BinaryOp.Ne => 4,
        BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge => 5,
        BinaryOp.Add or BinaryOp.Sub => 6,
        _ => 7,
    };

    private static string Symbol(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/",
        BinaryOp.Mod => "%", BinaryOp.And => "&", BinaryOp.Or => "|", BinaryOp.Xor => "^",
        BinaryOp.Eq => "==", BinaryOp.Ne => "!=", BinaryOp.Lt => "<", BinaryOp.Le => "<=",
        BinaryOp.Gt => ">", _ => ">=",
    };

    private void Expression(Expr e, int context)
    {
        switch (e)
        {
            case IntImm i:
                _sb.Append(IntText(i));
                break;
            case FloatImm f:
                _sb.Append(FloatText(f));
                break;
            case Var v:
                _sb.Append(v.Name);
                break;
            case BinaryExpr { Op: BinaryOp.Min or BinaryOp.Max } b:
                _sb.Append(b.Op == BinaryOp.Min ? "min(" : "max(");
                Expression(b.A, 0);
                _sb.Append(", ");
                Expression(b.B, 0);
                _sb.Append(')');
                break;
            case BinaryExpr b:
            {
                int p = Precedence(b.Op);
                bool paren = p <= context;
                if (paren) _sb.Append('(');
                Expression(b.A, p - 1);
                _sb.Append(' ').Append(Symbol(b.Op)).Append(' ');
                Expression(b.B, p);
                if (paren) _sb.Append(')');
                break;
            }
            case UnaryExpr u:
                _sb.Append(u.Op == UnaryOp.Neg ? "-" : u.DType == DType.Bool ? "!" : "~");
                Expression(u.X, 8);
                break;
            case CastExpr c:
                _sb.Append(c.Target.PythonName()).Append('(');
                Expression(c.X, 0);
                _sb.Append(')');
                break;
            case SelectExpr s:
                _sb.Append("select(");
                ExprList([s.Cond, s.IfTrue, s.IfFalse]);
                _sb.Append(')');
                break;
            case CallExpr c:
                _sb.Append(c.Fn.ToString().ToLowerInvariant()).Append('(');
                ExprList(c.Args);
                _sb.Append(')');
                break;
            case LoadExpr l:
                Access(l.Buffer, l.Indices);
                break;
        }
    }

    private static string IntText(IntImm i) => i.DType switch
    {
        DType.Int64 => i.Value.ToString(CultureInfo.InvariantCulture),
        DType.Bool => i.Value != 0 ? "true" : "false",
        _ => $"{i.DType.PythonName()}({i.Value.ToString(CultureInfo.InvariantCulture)})",
    };

    private static string FloatText(FloatImm f)
    {
        double v = f.Value;
        if (double.IsNaN(v) || double.IsInfinity(v) || (v == 0 && double.IsNegative(v)))
        {
            string s = double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : "-0.0";
            return $"{f.DType.PythonName()}({s})";
        }
        string r = f.DType == DType.Float32 ? ((float)v).ToString("R", CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);
        return f.DType switch
        {
            DType.Float32 => r + "f",
            DType.Float64 => r.Contains('.') || r.Contains('E') ? r : r + ".0",
            _ => $"{f.DType.PythonName()}({r})",
        };
    }
}

using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Compiles a <see cref="TeKernel"/> to .NET IL (<see cref="DynamicMethod"/>s): scalar code for
/// every statement, SIMD code (Vector512 or Vector256, chosen when compiling from what the machine
/// accelerates) for qualifying innermost loops with a scalar tail, and top-level loops annotated
/// parallel outlined into their own methods that <see cref="TeRunContext"/> splits across
/// threads. Results equal <see cref="TeEvaluator"/>'s: exactly for integers and for arithmetic,
/// within the ulp bounds of <see cref="VectorMath"/> for vectorized float32 transcendentals, and
/// up to summation order for vectorized float reductions. Use <see cref="TeKernelCache"/> to
/// compile each distinct kernel once.
/// </summary>
public static class TeIlCompiler
{
    /// <summary>Compiles <paramref name="kernel"/>; throws <see cref="JitRuntimeException"/> for a kernel it cannot run.</summary>
    public static CompiledTeKernel Compile(TeKernel kernel, TeCompileOptions? options = null)
    {
        options ??= TeCompileOptions.Default;
        TeVerifier.Verify(kernel);
        var plan = Plan.Create(kernel);
        int bits = options.ResolvedVectorBits;
        Type[] entryArgs = [typeof(byte**), typeof(long*), typeof(TeRunContext)];
        var main = new DynamicMethod($"te_{kernel.Name}", typeof(void), entryArgs, typeof(TeIlCompiler).Module, skipVisibility: true);
        new TeIlEmitter(main.GetILGenerator(), plan, bits).EmitKernel();
        var regions = new TeRegionEntry[plan.Regions.Count];
        for (int r = 0; r < regions.Length; r++)
        {
            var dm = new DynamicMethod($"te_{kernel.Name}_par{r}", typeof(void), [.. entryArgs, typeof(long), typeof(long)], typeof(TeIlCompiler).Module, skipVisibility: true);
            new TeIlEmitter(dm.GetILGenerator(), plan, bits).EmitRegion(plan.Regions[r]);
            regions[r] = dm.CreateDelegate<TeRegionEntry>();
        }
        return new CompiledTeKernel(kernel, plan.Slots.Skip(kernel.Inputs.Count + kernel.Outputs.Count).ToArray(),
            main.CreateDelegate<TeKernelEntry>(), regions, options, bits, plan.VectorizedLoops);
    }

    /// <summary>
    /// What the emitters share: buffer slots (inputs, outputs, then temporaries hoisted to the
    /// call) and the top-level parallel loops that are outlined.
    /// </summary>
    internal sealed class Plan
    {
        public required TeKernel Kernel { get; init; }
        public List<TeBuffer> Slots { get; } = [];
        public List<ForStmt> Regions { get; } = [];
        public Dictionary<ForStmt, int> RegionIndex { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Innermost loops emitted with a vector part (outlined regions count again).</summary>
        public int VectorizedLoops { get; set; }

        public static Plan Create(TeKernel kernel)
        {
            var plan = new Plan { Kernel = kernel };
            plan.Slots.AddRange(kernel.Inputs);
            plan.Slots.AddRange(kernel.Outputs);
            var paramSet = kernel.Params.ToHashSet();
            plan.CollectTemps(kernel.Body, paramSet);
            plan.CollectRegions(kernel.Body);
            return plan;
        }

        private void CollectTemps(Stmt s, HashSet<Var> paramSet)
        {
            switch (s)
            {
                case BlockStmt b: foreach (var x in b.Stmts) CollectTemps(x, paramSet); break;
                case ForStmt f: CollectTemps(f.Body, paramSet); break;
                case IfStmt i:
                    CollectTemps(i.Then, paramSet);
                    if (i.Else is not null) CollectTemps(i.Else, paramSet);
                    break;
                case AllocateStmt a:
                    if (a.Buffer.Rank > 0)
                    {
                        // Allocated once per call by the host, so its shape may use params only.
                        if (!a.Buffer.Sizes.Concat(a.Buffer.Strides).All(e => FreeVars(e).All(paramSet.Contains)))
                            throw new JitRuntimeException($"cannot compile kernel {Kernel.Name}: temporary {a.Buffer.Name} is sized by loop variables");
                        Slots.Add(a.Buffer);
                    }
                    CollectTemps(a.Body, paramSet);
                    break;
            }
        }

        private void CollectRegions(Stmt s)
        {
            switch (s)
            {
                case BlockStmt b: foreach (var x in b.Stmts) CollectRegions(x); break;
                case AllocateStmt { Buffer.Rank: > 0 } a: CollectRegions(a.Body); break;
                case ForStmt { Annotation.Kind: LoopKind.Parallel } f when ParallelSafe(f):
                    RegionIndex[f] = Regions.Count;
                    Regions.Add(f);
                    break;
            }
        }

        /// <summary>
        /// Iterations may run concurrently only if each writes its own elements: every store to
        /// a kernel-wide buffer indexes by the loop variable, and no temporary is shared.
        /// </summary>
        private static bool ParallelSafe(ForStmt f)
        {
            var locals = new HashSet<string>();
            bool Walk(Stmt s) => s switch
            {
                BlockStmt b => b.Stmts.All(Walk),
                ForStmt g => Walk(g.Body),
                IfStmt i => Walk(i.Then) && (i.Else is null || Walk(i.Else)),
                AllocateStmt a => a.Buffer.Rank == 0 && locals.Add(a.Buffer.Name) && Walk(a.Body),
                StoreStmt st => locals.Contains(st.Buffer.Name) || st.Indices.Any(e => FreeVars(e).Contains(f.Index)),
                ReduceStmt r => locals.Contains(r.Buffer.Name) || r.Indices.Any(e => FreeVars(e).Contains(f.Index)),
                _ => false,
            };
            return Walk(f.Body);
        }

        private static IEnumerable<Var> FreeVars(Expr e) => e switch
        {
            Var v => [v],
            BinaryExpr b => FreeVars(b.A).Concat(FreeVars(b.B)),
            UnaryExpr u => FreeVars(u.X),
            CastExpr c => FreeVars(c.X),
            SelectExpr s => FreeVars(s.Cond).Concat(FreeVars(s.IfTrue)).Concat(FreeVars(s.IfFalse)),
            CallExpr c => c.Args.SelectMany(FreeVars),
            LoadExpr l => l.Indices.SelectMany(FreeVars),
            _ => [],
        };
    }
}

using System.Collections.Concurrent;
using Jit.TensorExpr;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Compiled kernels keyed by <see cref="TeKernel.StructuralHash"/>, confirmed by structural
/// equality (so a hash collision compiles a second kernel instead of running the wrong one).
/// Thread-safe; a kernel requested by several threads at once is compiled once.
/// </summary>
public sealed class TeKernelCache(TeCompileOptions? options = null)
{
    private readonly struct Key(ulong hash, TeKernel kernel) : IEquatable<Key>
    {
        public ulong Hash { get; } = hash;
        public TeKernel Kernel { get; } = kernel;

        public bool Equals(Key other) => Hash == other.Hash && (ReferenceEquals(Kernel, other.Kernel) || Kernel.Equals(other.Kernel));
        public override bool Equals(object? obj) => obj is Key k && Equals(k);
        public override int GetHashCode() => Hash.GetHashCode();
    }

    private readonly ConcurrentDictionary<Key, Lazy<CompiledTeKernel>> _kernels = new();
    private long _hits;

    /// <summary>A process-wide cache with the default options.</summary>
    public static TeKernelCache Shared { get; } = new();

    public TeCompileOptions Options { get; } = options ?? TeCompileOptions.Default;

    /// <summary>How many lookups found an already compiled (or compiling) kernel.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public int Count => _kernels.Count;

    public CompiledTeKernel GetOrCompile(TeKernel kernel)
    {
        var key = new Key(kernel.StructuralHash(), kernel);
        if (_kernels.TryGetValue(key, out var found)) Interlocked.Increment(ref _hits);
        else found = _kernels.GetOrAdd(key, k => new Lazy<CompiledTeKernel>(() => TeIlCompiler.Compile(k.Kernel, Options)));
        try
        {
            return found.Value;
        }
        catch
        {
            // A kernel that failed to compile is not cached, so a later request reports it again.
            _kernels.TryRemove(new KeyValuePair<Key, Lazy<CompiledTeKernel>>(key, found));
            throw;
        }
    }
}

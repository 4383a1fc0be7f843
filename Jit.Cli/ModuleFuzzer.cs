using System.Buffers.Binary;
using System.Diagnostics;
using Jit.Errors;
using Jit.Modules;

namespace Jit.Cli;

/// <summary>
/// Mutation fuzzing of the module loader: each iteration damages a copy of a model file (bit flips,
/// byte and word sets, truncations, chunk copies and duplications) and runs it through
/// <see cref="JitModule.Load(ReadOnlyMemory{byte})"/> and <c>MethodGraph("forward")</c>. Anything
/// but success or a <see cref="JitException"/> is a bug. Iteration <c>i</c> of seed <c>s</c> is
/// always the same mutant (<see cref="Mutant"/>), so a failure replays from the two numbers alone.
/// </summary>
public sealed class ModuleFuzzer(byte[] original, int seed)
{
    /// <summary>Optional extra work on a mutant that loaded (e.g. running forward); JitExceptions from it count as "other".</summary>
    public Action<JitModule>? AfterLoad { get; init; }

    /// <summary>The mutant of iteration <paramref name="iteration"/> under <paramref name="seed"/>.</summary>
    public static byte[] Mutant(byte[] original, int seed, long iteration)
    {
        var rng = new Random(MixSeed(seed, iteration));
        var bytes = original;
        for (int n = 1 + rng.Next(3); n > 0 && bytes.Length > 0; n--) bytes = Mutate(bytes, rng);
        return ReferenceEquals(bytes, original) ? (byte[])original.Clone() : bytes;
    }

    // SplitMix64 finaliser: HashCode.Combine is randomised per process, which would break replays.
    private static int MixSeed(int seed, long iteration)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)iteration);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    // Values that sit on the edges of index and length checks.
    private static uint Interesting(Random rng, int length) => rng.Next(10) switch
    {
        0 => 0, 1 => 1, 2 => 2, 3 => (uint)length, 4 => (uint)length + 1, 5 => uint.MaxValue,
        6 => int.MaxValue, 7 => 0x80000000, 8 => (uint)rng.Next(-8, 8), _ => (uint)rng.Next(0, 64),
    };

    private static byte[] Mutate(byte[] src, Random rng)
    {
        int len = src.Length;
        switch (rng.Next(6))
        {
            case 0: // bit flips
            {
                var b = (byte[])src.Clone();
                for (int k = 1 + rng.Next(4); k > 0; k--) b[rng.Next(len)] ^= (byte)(1 << rng.Next(8));
                return b;
            }
            case 1: // byte set
            {
                var b = (byte[])src.Clone();
                b[rng.Next(len)] = rng.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x80, _ => (byte)rng.Next(256) };
                return b;
            }
            case 2: // aligned 32-bit word set: offsets, counts, indices
            {
                if (len < 4) return src;
                var b = (byte[])src.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(rng.Next(len / 4) * 4), Interesting(rng, len));
                return b;
            }
            case 3: // truncation
                return src[..rng.Next(len)];
            case 4: // chunk duplication: a copy of one chunk inserted elsewhere (shifts what follows)
            {
                int start = rng.Next(len), count = 1 + rng.Next(Math.Min(64, len - start)), at = rng.Next(len + 1);
                var b = new byte[len + count];
                src.AsSpan(0, at).CopyTo(b);
                src.AsSpan(start, count).CopyTo(b.AsSpan(at));
                src.AsSpan(at).CopyTo(b.AsSpan(at + count));
                return b;
            }
            default: // chunk overwrite: one region copied over another, same length
            {
                var b = (byte[])src.Clone();
                int start = rng.Next(len), at = rng.Next(len);
                int count = 1 + rng.Next(Math.Min(64, Math.Min(len - start, len - at)));
                src.AsSpan(start, count).CopyTo(b.AsSpan(at));
                return b;
            }
        }
    }

    /// <summary>Runs one input through load, graph building and <see cref="AfterLoad"/>; throws what is not a JitException.</summary>
    public FuzzOutcome Exercise(byte[] bytes)
    {
        try
        {
            var module = JitModule.Load(bytes);
            module.MethodGraph("forward");
            AfterLoad?.Invoke(module);
            return FuzzOutcome.Loaded;
        }
        catch (JitFormatException)
        {
            return FuzzOutcome.FormatError;
        }
        catch (JitException)
        {
            return FuzzOutcome.OtherJitError;
        }
    }

    /// <summary>
    /// Runs iterations <c>0..iterations-1</c>, or fewer when <paramref name="budget"/> runs out first;
    /// stops at the first escape and reports it.
    /// </summary>
    public FuzzReport Run(long iterations, TimeSpan? budget = null)
    {
        var counts = new long[3];
        var watch = Stopwatch.StartNew();
        double slowestMs = 0;
        long slowestAt = -1;
        long i = 0;
        for (; i < iterations; i++)
        {
            if (budget is { } b && (i & 63) == 0 && watch.Elapsed > b) break;
            var bytes = Mutant(original, seed, i);
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                counts[(int)Exercise(bytes)]++;
            }
            catch (Exception e)
            {
                return new FuzzReport(seed, i, counts[0], counts[1], counts[2], watch.Elapsed, slowestMs, slowestAt, (i, e));
            }
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (ms > slowestMs) (slowestMs, slowestAt) = (ms, i);
        }
        return new FuzzReport(seed, i, counts[0], counts[1], counts[2], watch.Elapsed, slowestMs, slowestAt, null);
    }
}

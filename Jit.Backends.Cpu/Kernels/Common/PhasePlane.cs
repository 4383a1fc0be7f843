using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// A copy of one input plane with its zero padding made explicit and its columns split by phase:
/// row r holds padded row r (input row r - padTop), as <c>phases</c> runs of <c>width</c> values,
/// run q holding padded columns q, q + phases, q + 2·phases, … So a kernel that reads columns
/// c·phases + j for a run of adjacent c (a strided conv's taps, a Winograd tile's columns) reads
/// contiguous memory with no bounds checks; whatever lies beyond the input is zero.
/// </summary>
internal readonly record struct PhasePlane(int Rows, int Phases, int Width)
{
    public int RowStride => Phases * Width;
    public int Size => Rows * RowStride;

    /// <summary>Offset, within a row, of padded column <paramref name="column"/>.</summary>
    public int Column(int column) => column % Phases * Width + column / Phases;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill<T>(ReadOnlySpan<T> plane, int h, int w, int padTop, int padLeft, Span<T> work) where T : unmanaged
    {
        work[..Size].Clear();
        for (int r = 0; r < Rows; r++)
        {
            int iy = r - padTop;
            if ((uint)iy >= (uint)h) continue;
            var src = plane.Slice(iy * w, w);
            var dst = work.Slice(r * RowStride, RowStride);
            if (Phases == 1)
            {
                int to = Math.Min(w, Width - padLeft);
                if (to > 0) src[..to].CopyTo(dst[padLeft..]);
                continue;
            }
            if (Phases == 2 && typeof(T) == typeof(float) && Avx2.IsSupported)
            {
                SplitPairs(MemoryMarshal.Cast<T, float>(src), MemoryMarshal.Cast<T, float>(dst), padLeft);
                continue;
            }
            // Run q's value `at` is padded column at·Phases + q, input column at·Phases + q - padLeft.
            for (int q = 0; q < Phases; q++)
            {
                var run = dst.Slice(q * Width, Width);
                int at = 0, ix = q - padLeft;
                for (; ix < 0; ix += Phases) at++;
                for (; ix < w && at < run.Length; ix += Phases) run[at++] = src[ix];
            }
        }
    }

    /// <summary>
    /// Stride 2, the common case, vectorized: the input row's even columns form one run and its
    /// odd columns the other (which run each lands in, and from where, follows from padLeft's
    /// parity); 16 inputs become 8 + 8 with two shuffles each. The scalar loop above did about
    /// 2 ns per element, most of a stride-2 depthwise conv's time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SplitPairs(ReadOnlySpan<float> src, Span<float> dst, int padLeft)
    {
        // Input column ix sits in run (ix + padLeft) % 2 at (ix + padLeft) / 2.
        int evenRun = padLeft & 1, evenAt = padLeft >> 1, oddRun = 1 - evenRun, oddAt = (padLeft + 1) >> 1;
        var even = evenAt < Width ? dst.Slice(evenRun * Width + evenAt, Width - evenAt) : default;
        var odd = oddAt < Width ? dst.Slice(oddRun * Width + oddAt, Width - oddAt) : default;
        int evens = Math.Min((src.Length + 1) / 2, even.Length), odds = Math.Min(src.Length / 2, odd.Length);
        int k = 0;
        ref float s = ref MemoryMarshal.GetReference(src);
        ref float e = ref MemoryMarshal.GetReference(even);
        ref float o = ref MemoryMarshal.GetReference(odd);
        for (; 2 * k + 16 <= src.Length && k + 8 <= evens && k + 8 <= odds; k += 8)
        {
            var a = Vector256.LoadUnsafe(ref s, (nuint)(2 * k));
            var b = Vector256.LoadUnsafe(ref s, (nuint)(2 * k + 8));
            // Per 128-bit lane [a0 a2 b0 b2 | a4 a6 b4 b6], then the middle 64-bit halves swapped.
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref e, (nuint)k);
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle().StoreUnsafe(ref o, (nuint)k);
        }
        for (int j = k; j < evens; j++) even[j] = src[2 * j];
        for (int j = k; j < odds; j++) odd[j] = src[2 * j + 1];
    }
}

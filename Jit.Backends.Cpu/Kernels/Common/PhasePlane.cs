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
}

using System.Runtime.CompilerServices;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Packed B shared by the threads of a row-split <see cref="PackedGemm"/>: every k-block x
/// NC-block of B over a column range is packed once, into one buffer, by whichever thread needs
/// it first, instead of once per thread. Blocks are packed in groups of panels that a thread
/// claims atomically, so two threads arriving together split the work; a thread waits only for a
/// group another thread is already packing, never for a thread that has not started, so a
/// starved thread pool cannot deadlock it. Nothing is overwritten while the product runs.
/// </summary>
internal sealed unsafe class GemmSharedPanels<T> where T : unmanaged
{
    /// <summary>Panels per claimed group: four 32-wide float panels are 512 contiguous bytes of each B row.</summary>
    private const int GroupPanels = 4;

    [ThreadStatic] private static GemmSharedPanels<T>? t_spare;

    private T* _panels;
    private int[] _state = [];
    private int _c0, _nc, _nr, _groupsPerBlock, _nBlocks, _paddedCols;

    private GemmSharedPanels() { }

    /// <summary>
    /// Shares columns [c0, c1) of B for blocks of <paramref name="kc"/> x <paramref name="nc"/> in
    /// panels of <paramref name="nr"/>, packed into <paramref name="panels"/> (<see cref="Length"/>
    /// elements). The instance and its claim array are this thread's, reused by its next product
    /// once <see cref="Return"/>ed, so a parallel product allocates nothing.
    /// </summary>
    public static GemmSharedPanels<T> Rent(T* panels, int k, int c0, int c1, int kc, int nc, int nr)
    {
        var s = t_spare ?? new GemmSharedPanels<T>();
        t_spare = null;
        s._panels = panels;
        s._c0 = c0;
        s._nc = nc;
        s._nr = nr;
        s._paddedCols = (c1 - c0 + nr - 1) / nr * nr;
        s._nBlocks = (c1 - c0 + nc - 1) / nc;
        s._groupsPerBlock = (nc / nr + GroupPanels - 1) / GroupPanels;
        int kBlocks = k == 0 ? 1 : (k + kc - 1) / kc;
        int groups = kBlocks * s._nBlocks * s._groupsPerBlock;
        if (s._state.Length < groups) s._state = new int[groups];
        else Array.Clear(s._state, 0, groups);
        return s;
    }

    /// <summary>Gives the instance back for this thread's next product; no thread may use it after.</summary>
    public void Return()
    {
        _panels = null;
        t_spare = this;
    }

    /// <summary>Elements the panels of a K x (c1 - c0) range take.</summary>
    public static long Length(int k, int c0, int c1, int nr) => (long)Math.Max(k, 1) * ((c1 - c0 + nr - 1) / nr * nr);

    /// <summary>
    /// The packed block of k rows [p0, p0 + kc) and columns [j0, j0 + nc), packing whatever part
    /// of it no thread has claimed yet and waiting for the parts other threads are packing.
    /// </summary>
    public T* Block(T* b, long rs, long cs, int pb, int p0, int kc, int j0, int nc)
    {
        int jb = (j0 - _c0) / _nc;
        T* block = _panels + (long)p0 * _paddedCols + (long)(j0 - _c0) * kc;
        int groupCols = GroupPanels * _nr, groups = (nc + groupCols - 1) / groupCols;
        int first = (pb * _nBlocks + jb) * _groupsPerBlock;
        for (int g = 0; g < groups; g++)
        {
            if (Volatile.Read(ref _state[first + g]) != 0 || Interlocked.CompareExchange(ref _state[first + g], 1, 0) != 0) continue;
            int u = g * groupCols;
            GemmPacking.PackB(b + p0 * rs + (j0 + u) * cs, rs, cs, kc, Math.Min(groupCols, nc - u), _nr, block + (long)u * kc);
            Volatile.Write(ref _state[first + g], 2);
        }
        for (int g = 0; g < groups; g++)
        {
            if (Volatile.Read(ref _state[first + g]) == 2) continue;
            var spin = new SpinWait();
            while (Volatile.Read(ref _state[first + g]) != 2) spin.SpinOnce(sleep1Threshold: -1);
        }
        return block;
    }
}

using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Jit.Backends.Cpu.Threading;

/// <summary>
/// The process's CPU helper threads for parallel kernels (use <see cref="CpuParallel.For{TBody}"/>).
/// Helpers are background threads started on first need and kept, so a call pays neither thread
/// start nor allocation; after a call they spin briefly, because the next kernel usually follows
/// within microseconds, then block so an idle process burns no core.
/// <para>
/// One caller at a time holds the pool (<see cref="TryAcquire"/>); it publishes a job and a count
/// of unclaimed chunks, wakes as many helpers as it wants, and takes chunks itself. Every thread
/// claims the next chunk with a compare-and-swap on that count, so a thread that loses its core
/// for a while simply takes fewer chunks. The caller returns once every chunk has finished.
/// </para>
/// </summary>
internal sealed class CpuWorkerPool
{
    /// <summary>How long a thread spins for work (helpers) or for the last chunks (caller) before it blocks.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>
    /// Pause instructions between looks while spinning. Spinning never yields: on a busy machine
    /// a thread that yields can wait out other processes' time slices (milliseconds), while one that
    /// blocks and is woken is scheduled promptly.
    /// </summary>
    private const int SpinIterations = 20;

    /// <summary>The pool the kernels share.</summary>
    public static CpuWorkerPool Shared { get; } = new();

    private Worker[] _workers = [];

    // 1 while a caller holds the pool.
    private int _busy;

    // The current call. _job, _chunks and _helpers are written before _remaining is published and
    // read only after a successful claim, when they belong to the call that claim was taken from.
    private WorkerJob? _job;
    private int _chunks;
    private int _helpers;
    private int _remaining;
    private int _done;
    private Exception? _error;

    // The caller blocks on this once it has spun for SpinTicks; the thread finishing the last chunk sets it.
    private readonly ManualResetEventSlim _callerWake = new(false, 0);
    private int _callerSleeping;

    /// <summary>Helper threads started so far (tests and diagnostics).</summary>
    public int WorkerCount => Volatile.Read(ref _workers).Length;

    /// <summary>Takes the pool for one <see cref="RunAcquired"/>; false when a caller (maybe this thread, nested) holds it.</summary>
    public bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>
    /// Runs every chunk of <paramref name="job"/> on this thread and up to <paramref name="helpers"/>
    /// helpers, then releases the pool (taken by <see cref="TryAcquire"/>). Rethrows the first
    /// exception a chunk threw; chunks not yet started then do not run.
    /// </summary>
    public void RunAcquired(WorkerJob job, int chunks, int helpers)
    {
        try
        {
            var workers = Grow(helpers);
            _job = job;
            _chunks = chunks;
            _helpers = helpers;
            _done = 0;
            Interlocked.Exchange(ref _remaining, chunks); // publishes the fields above
            for (int i = 0; i < helpers; i++) workers[i].WakeIfSleeping();
            TakeChunks();
            WaitForAll(chunks);
            _job = null;
            var error = Interlocked.Exchange(ref _error, null);
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Whether helper <paramref name="index"/> is wanted by a call that still has unclaimed chunks.</summary>
    private bool HasWorkFor(int index) => Volatile.Read(ref _remaining) > 0 && index < Volatile.Read(ref _helpers);

    /// <summary>Claims and runs chunks until none are left.</summary>
    private void TakeChunks()
    {
        while (true)
        {
            int left = Volatile.Read(ref _remaining);
            if (left <= 0) return;
            if (Interlocked.CompareExchange(ref _remaining, left - 1, left) != left) continue;
            // The claim succeeded, so the call it belongs to cannot end before this chunk is done.
            var job = _job!;
            int chunks = _chunks, finished = 1;
            try
            {
                job.RunChunk(chunks - left);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
                finished += Math.Max(Interlocked.Exchange(ref _remaining, 0), 0); // unclaimed chunks count as done
            }
            if (Interlocked.Add(ref _done, finished) == chunks && Volatile.Read(ref _callerSleeping) == 1) _callerWake.Set();
        }
    }

    /// <summary>The caller's wait for the chunks helpers are still running: spin, then block.</summary>
    private void WaitForAll(int chunks)
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _done) < chunks)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(SpinIterations);
                continue;
            }
            // Set the flag, then look again: the finishing thread adds to _done, then reads the flag.
            Interlocked.Exchange(ref _callerSleeping, 1);
            if (Volatile.Read(ref _done) < chunks) _callerWake.Wait();
            Interlocked.Exchange(ref _callerSleeping, 0);
            _callerWake.Reset();
        }
    }

    /// <summary>The helpers, at least <paramref name="count"/> of them; only the holder of the pool calls this.</summary>
    private Worker[] Grow(int count)
    {
        var workers = _workers;
        if (workers.Length >= count) return workers;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int i = workers.Length; i < count; i++) grown[i] = new Worker(this, i);
        Volatile.Write(ref _workers, grown);
        return grown;
    }

    /// <summary>One helper thread: takes chunks while a call wants it, spins a while after, then sleeps.</summary>
    private sealed class Worker
    {
        private readonly CpuWorkerPool _pool;
        private readonly int _index;
        private readonly ManualResetEventSlim _wake = new(false, 0);
        private int _sleeping;

        public Worker(CpuWorkerPool pool, int index)
        {
            _pool = pool;
            _index = index;
            new Thread(Loop) { IsBackground = true, Name = $"Jit CPU worker {index + 1}" }.Start();
        }

        /// <summary>Called after a call is published; the sleeping flag and the published count are each set before the other side reads them.</summary>
        public void WakeIfSleeping()
        {
            if (Volatile.Read(ref _sleeping) == 1) _wake.Set();
        }

        private void Loop()
        {
            long idleSince = Stopwatch.GetTimestamp();
            while (true)
            {
                if (_pool.HasWorkFor(_index))
                {
                    _pool.TakeChunks();
                    idleSince = Stopwatch.GetTimestamp();
                    continue;
                }
                if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
                {
                    Thread.SpinWait(SpinIterations);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (!_pool.HasWorkFor(_index)) _wake.Wait();
                Interlocked.Exchange(ref _sleeping, 0);
                _wake.Reset();
                idleSince = Stopwatch.GetTimestamp();
            }
        }
    }
}

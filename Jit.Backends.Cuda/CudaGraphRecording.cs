using Jit.Backends.Cuda.Native;
using Jit.Runtime.Devices;

namespace Jit.Backends.Cuda;

/// <summary>
/// A static plan's launches captured from a CUDA stream (cuStreamBeginCapture, relaxed mode)
/// into one instantiated graph, replayed with one cuGraphLaunch per run. Holds the kernels'
/// temporaries until disposed, since the graph's nodes keep their addresses. Unchecked on
/// hardware: written against the CUDA driver API reference on a machine with no GPU.
/// </summary>
internal sealed class CudaGraphRecording : IRecordedRun
{
    private readonly CudaQueue _queue;
    private readonly nint _stream;
    private readonly List<DeviceBuffer> _held = [];
    private nint _graph, _exec;

    private CudaGraphRecording(CudaQueue queue, nint stream)
    {
        _queue = queue;
        _stream = stream;
    }

    public static CudaGraphRecording Capture(CudaQueue queue, nint stream, Action enqueue)
    {
        string device = queue.Device.ToString();
        var recording = new CudaGraphRecording(queue, stream);
        CudaDriverApi.Check(CudaDriverApi.StreamBeginCapture(stream, CudaDriverApi.CaptureModeRelaxed), "cuStreamBeginCapture", device);
        queue.Recording = recording;
        try
        {
            enqueue();
        }
        catch
        {
            queue.Recording = null;
            // Ends the capture (its graph, if any, is thrown away) so the stream runs work again.
            if (CudaDriverApi.StreamEndCapture(stream, out var broken) == 0 && broken != 0) CudaDriverApi.GraphDestroy(broken);
            recording.Dispose();
            throw;
        }
        queue.Recording = null;
        try
        {
            CudaDriverApi.Check(CudaDriverApi.StreamEndCapture(stream, out recording._graph), "cuStreamEndCapture", device);
            CudaDriverApi.Check(CudaDriverApi.GraphInstantiateWithFlags(out recording._exec, recording._graph, 0), "cuGraphInstantiateWithFlags", device);
        }
        catch
        {
            recording.Dispose();
            throw;
        }
        return recording;
    }

    public void Hold(DeviceBuffer buffer) => _held.Add(buffer);

    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_exec == 0, this);
        CudaDriverApi.Check(CudaDriverApi.GraphLaunch(_exec, _stream), "cuGraphLaunch", _queue.Device.ToString());
    }

    public void Dispose()
    {
        nint exec = Interlocked.Exchange(ref _exec, 0), graph = Interlocked.Exchange(ref _graph, 0);
        if (exec != 0 || _held.Count > 0) _queue.Stream.Synchronize();
        if (exec != 0) CudaDriverApi.GraphExecDestroy(exec);
        if (graph != 0) CudaDriverApi.GraphDestroy(graph);
        foreach (var b in _held) b.Dispose();
        _held.Clear();
    }
}

using Jit.Backends.Cuda.Native;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Kernels;

/// <summary>
/// The GEMM family through cuBLAS on a GPU: <c>aten::mm</c>, <c>aten::bmm</c>, <c>aten::matmul</c>
/// (2-d by 2-d, or batches of one size), <c>aten::linear</c> and <c>aten::addmm</c> on contiguous float32 tensors (TF32 off unless <see cref="CudaBackendOptions.AllowTf32"/>, so
/// results match the reference); every other call of those ops runs the TE templates. Without libcublas.so.12 the templates run everything, which is said once on stderr.
/// Unchecked on hardware.
/// </summary>
internal sealed class CublasKernels : IDisposable
{
    private static int _warned;
    private readonly CudaBackend _backend;
    private readonly object _lock = new();
    private nint _handle;

    private CublasKernels(CudaBackend backend, nint handle)
    {
        _backend = backend;
        _handle = handle;
    }

    /// <summary>The ops cuBLAS serves (where <see cref="Covers"/> says so).</summary>
    public static readonly IReadOnlySet<string> Ops = new HashSet<string> { "aten::mm", "aten::bmm", "aten::matmul", "aten::linear", "aten::addmm" };

    /// <summary>A cuBLAS handle on <paramref name="backend"/>, or null (CPU accelerator; no library, said once).</summary>
    public static CublasKernels? TryCreate(CudaBackend backend, CudaBackendOptions options)
    {
        if (backend.IsCpuAccelerator) return null;
        if (!NativeLibraries.CanLoad(NativeLibraries.Cublas))
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
                Console.Error.WriteLine($"jit: warning: {NativeLibraries.Cublas} not found: matrix products on {backend.Device} run the TE template");
            return null;
        }
        string device = backend.Device.ToString();
        CublasApi.Check(CublasApi.Create(out var handle), "cublasCreate", device);
        var kernels = new CublasKernels(backend, handle);
        CublasApi.Check(CublasApi.SetMathMode(handle, options.AllowTf32 ? CublasApi.Tf32TensorOpMath : CublasApi.DefaultMath), "cublasSetMathMode", device);
        return kernels;
    }

    /// <summary>True when cuBLAS runs this call of <paramref name="op"/> (inputs as the schema orders them).</summary>
    public static bool Covers(string op, ReadOnlySpan<IValue> inputs)
    {
        static bool Dense(IValue v, int rank) => v.IsTensor && v.AsTensor is { DType: DType.Float32, IsContiguous: true } t && t.Rank == rank && !t.IsHost;
        return op switch
        {
            "aten::mm" => Dense(inputs[0], 2) && Dense(inputs[1], 2),
            "aten::bmm" => Dense(inputs[0], 3) && Dense(inputs[1], 3),
            "aten::matmul" => (Dense(inputs[0], 2) && Dense(inputs[1], 2))
                || (Dense(inputs[0], 3) && Dense(inputs[1], 3) && inputs[0].AsTensor.Sizes[0] == inputs[1].AsTensor.Sizes[0]),
            // addmm(self, mat1, mat2, beta, alpha): self broadcast into the result first.
            "aten::addmm" => Dense(inputs[1], 2) && Dense(inputs[2], 2) && inputs[0].IsTensor
                && inputs[0].AsTensor is { DType: DType.Float32, IsHost: false, Rank: <= 2 }
                && (inputs.Length < 4 || inputs[3].IsInt || inputs[3].IsDouble) && (inputs.Length < 5 || inputs[4].IsInt || inputs[4].IsDouble),
            "aten::linear" => inputs[0].IsTensor && inputs[0].AsTensor.Rank >= 1 && Dense(inputs[0], inputs[0].AsTensor.Rank) && Dense(inputs[1], 2)
                && (inputs.Length < 3 || inputs[2].IsNone || Dense(inputs[2], 1)),
            _ => false,
        };
    }

    /// <summary>The result's sizes for a covered call.</summary>
    public static long[] ResultSizes(string op, ReadOnlySpan<IValue> inputs)
    {
        var a = inputs[0].AsTensor;
        var b = inputs[1].AsTensor;
        return op switch
        {
            "aten::mm" => [a.Sizes[0], b.Sizes[1]],
            "aten::matmul" when a.Rank == 2 => [a.Sizes[0], b.Sizes[1]],
            "aten::bmm" or "aten::matmul" => [a.Sizes[0], a.Sizes[1], b.Sizes[2]],
            "aten::addmm" => [inputs[1].AsTensor.Sizes[0], inputs[2].AsTensor.Sizes[1]],
            _ => [.. a.Sizes[..^1], b.Sizes[0]],
        };
    }

    /// <summary>Runs a covered call into <paramref name="output"/> (contiguous float32 of the result's sizes).</summary>
    public void Run(string op, ReadOnlySpan<IValue> inputs, Tensor output)
    {
        if (op == "aten::matmul") op = inputs[0].AsTensor.Rank == 2 ? "aten::mm" : "aten::bmm";
        var a = inputs[op == "aten::addmm" ? 1 : 0].AsTensor;
        var b = inputs[op == "aten::addmm" ? 2 : 1].AsTensor;
        var queue = _backend.QueueForThread();
        lock (_lock)
        {
            string device = _backend.Device.ToString();
            CublasApi.Check(CublasApi.SetStream(_handle, queue.NativeStream), "cublasSetStream", device);
            // Row-major C = A B is column-major C^T = B^T A^T: the operands swap, no transposes.
            switch (op)
            {
                case "aten::mm" or "aten::addmm":
                {
                    int m = (int)a.Sizes[0], k = (int)a.Sizes[1], n = (int)b.Sizes[1];
                    float alpha = 1f, beta = 0f;
                    if (op == "aten::addmm")
                    {
                        beta = inputs.Length > 3 ? (float)inputs[3].AsDouble : 1f;
                        alpha = inputs.Length > 4 ? (float)inputs[4].AsDouble : 1f;
                        // With beta 0 self is ignored (NaN included), as PyTorch does.
                        if (beta != 0f) _backend.CopyKernel.Copy(output, inputs[0].AsTensor);
                    }
                    CublasApi.Check(CublasApi.Sgemm(_handle, CublasApi.OpN, CublasApi.OpN, n, m, k, alpha, Pointer(b), n, Pointer(a), k, beta, Pointer(output), n), "cublasSgemm", device);
                    break;
                }
                case "aten::bmm":
                {
                    int batch = (int)a.Sizes[0], m = (int)a.Sizes[1], k = (int)a.Sizes[2], n = (int)b.Sizes[2];
                    CublasApi.Check(CublasApi.SgemmStridedBatched(_handle, CublasApi.OpN, CublasApi.OpN, n, m, k, 1f,
                        Pointer(b), n, (long)k * n, Pointer(a), k, (long)m * k, 0f, Pointer(output), n, (long)m * n, batch), "cublasSgemmStridedBatched", device);
                    break;
                }
                default:
                {
                    // y = x W^T + bias: column-major y^T (out x rows) = W (op T of its memory) x^T; the bias is broadcast into y first.
                    int inF = (int)b.Sizes[1], outF = (int)b.Sizes[0], rows = (int)(a.NumElements / Math.Max(inF, 1));
                    float beta = 0f;
                    if (inputs.Length > 2 && !inputs[2].IsNone)
                    {
                        _backend.CopyKernel.Copy(output, inputs[2].AsTensor);
                        beta = 1f;
                    }
                    CublasApi.Check(CublasApi.Sgemm(_handle, CublasApi.OpT, CublasApi.OpN, outF, rows, inF, 1f, Pointer(b), inF, Pointer(a), inF, beta, Pointer(output), outF), "cublasSgemm", device);
                    break;
                }
            }
        }
    }

    private nint Pointer(Tensor t)
    {
        var buffer = CudaBuffer.Of(t.Storage.Buffer, _backend, "cuBLAS operand");
        return (nint)(buffer.Memory.NativePtr + t.Storage.ByteOffset + t.StorageOffset * t.DType.ElementSize());
    }

    public void Dispose()
    {
        nint h = Interlocked.Exchange(ref _handle, 0);
        if (h != 0) CublasApi.Destroy(h);
    }
}

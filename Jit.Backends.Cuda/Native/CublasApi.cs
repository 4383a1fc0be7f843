using System.Runtime.InteropServices;
using Jit.Errors;

namespace Jit.Backends.Cuda.Native;

/// <summary>
/// The cuBLAS functions the GEMM kernels call (ILGPU.Algorithms' CuBlas has plain Gemm only: no
/// strided-batched): handle, stream, math mode, SGEMM and strided-batched SGEMM. Every
/// cublasStatus_t goes through <see cref="Check"/>. Written against the cuBLAS reference;
/// unchecked on hardware (no GPU where this was built).
/// </summary>
internal static partial class CublasApi
{
    private const string Lib = NativeLibraries.Cublas;

    public const int OpN = 0, OpT = 1;

    /// <summary>CUBLAS_DEFAULT_MATH: full float32 (no TF32 unless asked); CUBLAS_TF32_TENSOR_OP_MATH.</summary>
    public const int DefaultMath = 0, Tf32TensorOpMath = 3;

    [LibraryImport(Lib, EntryPoint = "cublasCreate_v2")]
    public static partial int Create(out nint handle);

    [LibraryImport(Lib, EntryPoint = "cublasDestroy_v2")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Lib, EntryPoint = "cublasSetStream_v2")]
    public static partial int SetStream(nint handle, nint stream);

    [LibraryImport(Lib, EntryPoint = "cublasSetMathMode")]
    public static partial int SetMathMode(nint handle, int mode);

    [LibraryImport(Lib, EntryPoint = "cublasSgemm_v2")]
    public static partial int Sgemm(nint handle, int transa, int transb, int m, int n, int k,
        in float alpha, nint a, int lda, nint b, int ldb, in float beta, nint c, int ldc);

    [LibraryImport(Lib, EntryPoint = "cublasSgemmStridedBatched")]
    public static partial int SgemmStridedBatched(nint handle, int transa, int transb, int m, int n, int k,
        in float alpha, nint a, int lda, long strideA, nint b, int ldb, long strideB, in float beta, nint c, int ldc, long strideC, int batchCount);

    [LibraryImport(Lib, EntryPoint = "cublasGetStatusName")]
    private static partial nint GetStatusName(int status);

    /// <summary>Throws <see cref="JitDeviceException"/> naming <paramref name="call"/> and the status when it is not CUBLAS_STATUS_SUCCESS.</summary>
    public static void Check(int status, string call, string device)
    {
        if (status == 0) return;
        string name = $"cublasStatus {status}";
        try
        {
            if (GetStatusName(status) is var p && p != 0) name = Marshal.PtrToStringAnsi(p) ?? name;
        }
        catch (EntryPointNotFoundException)
        {
        }
        throw new JitDeviceException(device, $"{call} failed: {name}", status, name);
    }
}

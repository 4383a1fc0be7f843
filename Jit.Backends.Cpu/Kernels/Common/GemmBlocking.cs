using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Which register-blocked micro-kernel a GEMM runs; tests force each one.</summary>
internal enum GemmKernelKind
{
    Vector512,
    Vector256,
    Scalar,
}

/// <summary>
/// Register tile (MR rows x NR columns of C) and cache blocks: an MR x KC panel of A stays in
/// L1 while the kernel streams KC x NR panels of a KC x NC block of B held in L2; MC rows of
/// packed A (L3) are reused across every NC block. MC is a multiple of MR and NC of NR, so
/// partial tiles occur only at the matrix (or thread partition) edges.
/// </summary>
internal readonly record struct GemmBlocking(GemmKernelKind Kind, int MR, int NR, int KC, int NC, int MC)
{
    public static GemmKernelKind Best =>
        Vector512.IsHardwareAccelerated ? GemmKernelKind.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Vector256
        : GemmKernelKind.Scalar;

    /// <summary>
    /// Sizes measured on a 2-core AVX-512 Xeon (48 KiB L1d, 2 MiB L2 per core) at 1024³; the
    /// Vector256 ones follow the usual Haswell 6x16 choice.
    /// </summary>
    public static GemmBlocking For(GemmKernelKind kind, int elementSize)
    {
        int lanes = 64 / elementSize;
        return kind switch
        {
            GemmKernelKind.Vector512 => new(kind, 12, 2 * lanes, elementSize == 4 ? 384 : 256, elementSize == 4 ? 480 : 240, 3072),
            GemmKernelKind.Vector256 => new(kind, 6, lanes, 256, elementSize == 4 ? 512 : 256, 3072),
            _ => new(kind, 4, 4, 256, 256, 1024),
        };
    }
}

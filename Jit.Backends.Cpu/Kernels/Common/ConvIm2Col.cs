using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// im2col for one sample and group: cols [C·KH·KW, OH·OW], row (c, i, j) holding the input pixels
/// kernel tap (i, j) of channel c sees and zero where the tap falls in the padding. Each row's
/// in-bounds output rectangle is found once, so the copy loops carry no bounds checks; with unit
/// horizontal stride each output row is one contiguous block copy.
/// </summary>
internal static unsafe class ConvIm2Col
{
    /// <summary><paramref name="x"/>: the group's <paramref name="channels"/> input planes [C, H, W].</summary>
    public static void Fill<T>(in Conv2dShape s, T* x, int channels, T* cols) where T : unmanaged
    {
        int plane = s.Plane, ow = s.OW;
        for (int ch = 0; ch < channels; ch++)
        {
            T* src = x + (long)ch * s.H * s.W;
            for (int i = 0; i < s.KH; i++)
            {
                int shiftY = i * s.DH - s.PadTop;
                var (oy0, oy1) = Conv2dShape.ValidOutputs(shiftY, s.SH, s.H, s.OH);
                for (int j = 0; j < s.KW; j++)
                {
                    int shiftX = j * s.DW - s.PadLeft;
                    var (ox0, ox1) = Conv2dShape.ValidOutputs(shiftX, s.SW, s.W, ow);
                    T* row = cols + ((long)(ch * s.KH + i) * s.KW + j) * plane;
                    if (oy1 <= oy0 || ox1 <= ox0)
                    {
                        new Span<T>(row, plane).Clear();
                        continue;
                    }
                    // Rows above and below the valid band, then the left and right margins of each valid row.
                    new Span<T>(row, oy0 * ow).Clear();
                    new Span<T>(row + oy1 * ow, (s.OH - oy1) * ow).Clear();
                    int run = ox1 - ox0;
                    for (int oy = oy0; oy < oy1; oy++)
                    {
                        T* dst = row + oy * ow;
                        for (int o = 0; o < ox0; o++) dst[o] = default;
                        for (int o = ox1; o < ow; o++) dst[o] = default;
                        T* line = src + (long)(oy * s.SH + shiftY) * s.W + ox0 * s.SW + shiftX;
                        if (s.SW == 1)
                            Buffer.MemoryCopy(line, dst + ox0, (long)run * sizeof(T), (long)run * sizeof(T));
                        else
                            for (int o = 0; o < run; o++) dst[ox0 + o] = line[o * s.SW];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Any dtype, for the GEMM that multiplies every dtype: im2col only moves elements, so they
    /// are copied as unsigned integers of their width. <paramref name="x"/> contiguous, its group
    /// starting <paramref name="offset"/> elements in; <paramref name="cols"/> contiguous.
    /// </summary>
    public static void Fill(in Conv2dShape s, Tensor x, long offset, int channels, Tensor cols)
    {
        int size = x.DType.ElementSize();
        fixed (byte* xb = x.Storage.Bytes.Span, cb = cols.Storage.Bytes.Span)
        {
            byte* src = xb + (x.StorageOffset + offset) * size, dst = cb + cols.StorageOffset * size;
            switch (size)
            {
                case 1: Fill(s, src, channels, dst); break;
                case 2: Fill(s, (ushort*)src, channels, (ushort*)dst); break;
                case 4: Fill(s, (uint*)src, channels, (uint*)dst); break;
                case 8: Fill(s, (ulong*)src, channels, (ulong*)dst); break;
                case 16: Fill(s, (UInt128*)src, channels, (UInt128*)dst); break;
                default: throw new JitTypeException($"im2col: no {size}-byte element type ({x.DType.PythonName()})");
            }
        }
    }
}

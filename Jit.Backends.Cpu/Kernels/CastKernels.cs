using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// dtype conversions: the <c>aten::to</c> overloads, type_as and _to_copy. A conversion to the same
/// dtype without copy=True returns self, as PyTorch does; floating to integer truncates like C and
/// anything to bool is <c>!= 0</c>.
/// </summary>
internal static class CastKernels
{
    public static void Register(KernelTable t)
    {
        // to.dtype(self, dtype, non_blocking, copy, memory_format)
        t.Add("aten::to.dtype", (i, o) => o[0] = To(i[0].AsTensor, OptDType(i[1], "to"), i[3].AsBool));
        // to.dtype_layout(self, dtype?, layout?, device?, pin_memory?, non_blocking, copy, memory_format)
        t.Add("aten::to.dtype_layout", (i, o) =>
        {
            CheckLayout(i[2]);
            CheckDevice(i[3]);
            o[0] = To(i[0].AsTensor, OptDType(i[1], "to"), i[6].AsBool);
        });
        // to.device(self, device, dtype, non_blocking, copy, memory_format)
        t.Add("aten::to.device", (i, o) =>
        {
            CheckDevice(i[1]);
            o[0] = To(i[0].AsTensor, OptDType(i[2], "to"), i[4].AsBool);
        });
        // to.other(self, other, non_blocking, copy, memory_format)
        t.Add("aten::to.other", (i, o) => o[0] = To(i[0].AsTensor, i[1].AsTensor.DType, i[3].AsBool));
        // to.prim_dtype(self, int? dtype, non_blocking, copy)
        t.Add("aten::to.prim_dtype", (i, o) => o[0] = To(i[0].AsTensor, OptDType(i[1], "to"), i[3].AsBool));
        // to.prim_Device(self, Device? device, int? dtype, non_blocking, copy)
        t.Add("aten::to.prim_Device", (i, o) =>
        {
            CheckDevice(i[1]);
            o[0] = To(i[0].AsTensor, OptDType(i[2], "to"), i[4].AsBool);
        });
        // to.prim_other(self, non_blocking, copy)
        t.Add("aten::to.prim_other", (i, o) => o[0] = To(i[0].AsTensor, null, i[2].AsBool));
        t.Add("aten::type_as", (i, o) => o[0] = To(i[0].AsTensor, i[1].AsTensor.DType, false));
        // _to_copy(self, dtype?, layout?, device?, pin_memory?, non_blocking, memory_format): always a new tensor.
        t.Add("aten::_to_copy", (i, o) =>
        {
            CheckLayout(i[2]);
            CheckDevice(i[3]);
            o[0] = To(i[0].AsTensor, OptDType(i[1], "_to_copy"), true);
        });
    }

    private static Tensor To(Tensor self, DType? dtype, bool copy)
    {
        var target = dtype ?? self.DType;
        if (target == self.DType && !copy) return self;
        return Convert(self, target);
    }

    /// <summary>A new contiguous tensor with <paramref name="x"/>'s values converted to <paramref name="dtype"/>.</summary>
    public static Tensor Convert(Tensor x, DType dtype)
    {
        // Integers to integers stay exact in long; everything else goes through double, which holds
        // every floating value exactly and keeps "nonzero" nonzero for bool targets.
        if (!x.DType.IsFloatingPoint() && dtype.IsIntegral(includeBool: false))
            return StridedMathCopy.ToTensor(StridedMathCopy.GatherLong(x, x.Sizes), dtype, x.Sizes);
        return StridedMathCopy.ToTensor(StridedMathCopy.GatherDouble(x, x.Sizes), dtype, x.Sizes);
    }

    private static void CheckDevice(IValue device)
    {
        if (device.IsNone) return;
        var d = device.IsString ? Device.Parse(device.AsString) : device.AsDevice;
        if (d.Kind != DeviceKind.Cpu)
            throw new JitRuntimeException($"to: the CPU backend cannot move a tensor to device '{d}'");
    }

    private static void CheckLayout(IValue layout)
    {
        // c10::Layout: 0 is Strided, the only layout this runtime has.
        if (!layout.IsNone && layout.AsInt != 0)
            throw new JitRuntimeException($"to: only the strided layout is supported, got layout {layout.AsInt}");
    }
}

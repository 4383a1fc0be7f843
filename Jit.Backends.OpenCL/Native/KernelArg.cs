namespace Jit.Backends.OpenCL.Native;

/// <summary>One kernel argument: a <c>cl_mem</c> or a 64-bit integer (the launch ABI passes nothing else).</summary>
internal readonly struct KernelArg
{
    private KernelArg(nint mem, long value, bool isMem)
    {
        Mem = mem;
        Value = value;
        IsMem = isMem;
    }

    public nint Mem { get; }
    public long Value { get; }
    public bool IsMem { get; }

    public static KernelArg Buffer(nint mem) => new(mem, 0, true);
    public static KernelArg Long(long value) => new(0, value, false);
}

namespace Jit.Codegen.Spirv;

// Operand values of the SPIR-V specification the emitter uses (internal: callers see only words).
internal static class SpvCapability
{
    public const uint Shader = 1, Float64 = 10, Int64 = 11, StorageBuffer16BitAccess = 4433, StorageBuffer8BitAccess = 4448;
}

internal static class SpvStorage
{
    public const uint Input = 1, Workgroup = 4, Function = 7, PushConstant = 9, StorageBuffer = 12;
}

internal static class SpvDecoration
{
    public const uint Block = 2, ArrayStride = 6, BuiltIn = 11, NonWritable = 24, Binding = 33, DescriptorSet = 34,
        Offset = 35, NoContraction = 42;
}

internal static class SpvBuiltIn
{
    public const uint NumWorkgroups = 24, WorkgroupId = 26, LocalInvocationId = 27, GlobalInvocationId = 28;
}

/// <summary>GLSL.std.450 extended instructions (exact ones, and the transcendental ones for 32-bit floats).</summary>
internal static class Glsl
{
    public const uint RoundEven = 2, Trunc = 3, FAbs = 4, Floor = 8, Ceil = 9, Sin = 13, Cos = 14, Tan = 15,
        Asin = 16, Acos = 17, Atan = 18, Sinh = 19, Cosh = 20, Tanh = 21, Atan2 = 25, Pow = 26, Exp = 27, Log = 28,
        Exp2 = 29, Log2 = 30, Sqrt = 31, InverseSqrt = 32, SMin = 39, SMax = 42, Fma = 50;
}

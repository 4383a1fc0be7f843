namespace Jit.Backends.Cpu.Codegen;

// The signatures of the generated methods. Buffers are base pointers (already advanced by the
// tensor's storage offset), in the order inputs, outputs, hoisted temporaries; parameters are the
// kernel's Params in order.

/// <summary>A compiled kernel body.</summary>
internal unsafe delegate void TeKernelEntry(byte** buffers, long* parameters, TeRunContext context);

/// <summary>One outlined parallel loop: its iterations <c>[lo, hi)</c>.</summary>
internal unsafe delegate void TeRegionEntry(byte** buffers, long* parameters, TeRunContext context, long lo, long hi);

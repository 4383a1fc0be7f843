using Jit.Backends.Vulkan.Native;
using Jit.Codegen.Spirv;
using Jit.Errors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// A <see cref="SpirvProgram"/> built for one backend: the shader module, a push-descriptor set
/// layout with one storage buffer per binding of the ABI (and the argument buffer where the
/// arguments do not fit the push constants), the pipeline layout, and one compute pipeline per
/// entry point (built through the backend's pipeline cache). A module that needs a feature the
/// device lacks, or a work-group larger than it allows, is refused here with the name of what is
/// missing.
/// </summary>
internal sealed unsafe class VulkanProgram : IDisposable
{
    private readonly VulkanBackend _backend;
    private readonly Dictionary<string, Pipeline> _pipelines = new(StringComparer.Ordinal);
    private ShaderModule _module;
    private DescriptorSetLayout _setLayout;
    private int _disposed;

    public VulkanProgram(VulkanBackend backend, SpirvProgram program)
    {
        _backend = backend;
        Program = program;
        string device = backend.Device.ToString();
        string name = program.Kernel.Name;
        foreach (var feature in program.RequiredFeatures)
            if (!backend.Info.Features.Contains(feature))
                throw new JitDeviceException(device, $"kernel {name} needs the device feature {feature}, which {backend.Info.Name} lacks");
        foreach (var stage in program.Stages)
            if (stage.LocalSize < 1 || stage.LocalSize > backend.Info.MaxWorkGroupSize)
                throw new JitDeviceException(device, $"kernel {name}: stage {stage.Entry} asks for work-groups of {stage.LocalSize}; the device allows 1 to {backend.Info.MaxWorkGroupSize}");
        if (!program.ArgumentsInBuffer && program.PushConstantBytes > backend.Info.MaxPushConstantBytes)
            throw new JitDeviceException(device, $"kernel {name}: {program.PushConstantBytes} bytes of push constants; the device allows {backend.Info.MaxPushConstantBytes} (maxPushConstantsSize)");
        BindingCount = program.ArgumentBinding + (program.ArgumentsInBuffer ? 1 : 0);
        try
        {
            Create(program, device);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public SpirvProgram Program { get; }
    public int BindingCount { get; }
    public PipelineLayout Layout { get; private set; }

    /// <summary>The pipeline of entry point <paramref name="entry"/>.</summary>
    public Pipeline this[string entry] => _pipelines[entry];

    private void Create(SpirvProgram program, string device)
    {
        var vk = _backend.Vk;
        var vkDevice = _backend.Handle;
        // A kernel with nothing to run (an empty output's, its loops simplified away) has no entry
        // point, and Vulkan takes no module without one: there is nothing to build or launch.
        if (program.Stages.Count == 0) return;
        fixed (uint* code = program.Words)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)(program.Words.Length * 4), PCode = code };
            ShaderModule module;
            VulkanApi.Check(vk.CreateShaderModule(vkDevice, &info, null, &module), $"kernel {program.Kernel.Name}: vkCreateShaderModule", device);
            _module = module;
        }
        var bindings = new DescriptorSetLayoutBinding[BindingCount];
        for (int i = 0; i < bindings.Length; i++)
            bindings[i] = new DescriptorSetLayoutBinding((uint)i, DescriptorType.StorageBuffer, 1, ShaderStageFlags.ComputeBit);
        fixed (DescriptorSetLayoutBinding* b = bindings)
        {
            var info = new DescriptorSetLayoutCreateInfo
            {
                SType = StructureType.DescriptorSetLayoutCreateInfo,
                Flags = DescriptorSetLayoutCreateFlags.PushDescriptorBitKhr,
                BindingCount = (uint)bindings.Length,
                PBindings = b,
            };
            DescriptorSetLayout layout;
            VulkanApi.Check(vk.CreateDescriptorSetLayout(vkDevice, &info, null, &layout), "vkCreateDescriptorSetLayout", device);
            _setLayout = layout;
        }
        var setLayout = _setLayout;
        var range = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, (uint)program.PushConstantBytes);
        bool pushConstants = !program.ArgumentsInBuffer && program.PushConstantBytes > 0;
        var layoutInfo = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo,
            SetLayoutCount = 1,
            PSetLayouts = &setLayout,
            PushConstantRangeCount = pushConstants ? 1u : 0u,
            PPushConstantRanges = pushConstants ? &range : null,
        };
        PipelineLayout pipelineLayout;
        VulkanApi.Check(vk.CreatePipelineLayout(vkDevice, &layoutInfo, null, &pipelineLayout), "vkCreatePipelineLayout", device);
        Layout = pipelineLayout;

        var entries = program.Stages.SelectMany(s => s.Serial is { } serial ? new[] { s.Entry, serial.Entry } : [s.Entry]).Distinct().ToArray();
        var names = entries.Select(e => (nint)SilkMarshal.StringToPtr(e)).ToArray();
        var infos = new ComputePipelineCreateInfo[entries.Length];
        var pipelines = new Pipeline[entries.Length];
        try
        {
            for (int i = 0; i < entries.Length; i++)
                infos[i] = new ComputePipelineCreateInfo
                {
                    SType = StructureType.ComputePipelineCreateInfo,
                    Stage = new PipelineShaderStageCreateInfo
                    {
                        SType = StructureType.PipelineShaderStageCreateInfo,
                        Stage = ShaderStageFlags.ComputeBit,
                        Module = _module,
                        PName = (byte*)names[i],
                    },
                    Layout = pipelineLayout,
                };
            fixed (ComputePipelineCreateInfo* ci = infos)
            fixed (Pipeline* p = pipelines)
                VulkanApi.Check(vk.CreateComputePipelines(vkDevice, _backend.PipelineCache.Handle, (uint)infos.Length, ci, null, p),
                    $"kernel {program.Kernel.Name}: vkCreateComputePipelines", device);
            for (int i = 0; i < entries.Length; i++) _pipelines[entries[i]] = pipelines[i];
        }
        finally
        {
            foreach (var n in names) SilkMarshal.Free(n);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _backend.IsClosed) return;
        var vk = _backend.Vk;
        var d = _backend.Handle;
        foreach (var p in _pipelines.Values) vk.DestroyPipeline(d, p, null);
        _pipelines.Clear();
        if (Layout.Handle != 0) vk.DestroyPipelineLayout(d, Layout, null);
        if (_setLayout.Handle != 0) vk.DestroyDescriptorSetLayout(d, _setLayout, null);
        if (_module.Handle != 0) vk.DestroyShaderModule(d, _module, null);
    }
}

using Jit.Backends.Cpu;
using Jit.Backends.Vulkan;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tests.Models;
using Jit.Tests.Runtime;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>The static runtime on <c>vulkan</c> (<see cref="DeviceRuntimeTests"/>, the validation layer on but in the long loops), and the staging path of device-local memory.</summary>
public sealed class VulkanRuntimeTests : DeviceRuntimeTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    protected override IBackend OpenBackend(bool quiet = false)
    {
        if (VulkanFactAttribute.SkipReason is { } reason) Assert.Skip(reason);
        // Without the validation layer in the long loops: a thousand cycles with it take minutes on two cores.
        return quiet ? new VulkanBackend(new Device(DeviceKind.Vulkan), VulkanTesting.Options() with { Validation = false }) : VulkanTesting.Open();
    }

    protected override void AfterTest(IBackend backend) => VulkanTesting.AssertValidationClean((VulkanBackend)backend);

    private static CompiledModule Compile(JitModule module, IBackend backend) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host });

    [VulkanFact]
    public void TheStagingPathOfDeviceLocalMemoryGivesTheSameResults()
    {
        using var backend = VulkanTesting.Open(forceStaging: true);
        foreach (var name in new[] { "mlp", "int_bool" })
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var inputs = f.Inputs(module);
            using var compiled = Compile(module, backend);
            f.AssertMatches(compiled.Forward(inputs));
        }
        Settle(backend);
        VulkanTesting.AssertValidationClean(backend);
    }
}

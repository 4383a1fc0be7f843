using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Runtime;
using Xunit;

namespace Jit.Tests.Runtime;

public sealed class DeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, -1)]
    [InlineData("cuda", DeviceKind.Cuda, -1)]
    [InlineData("cuda:0", DeviceKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceKind.Cuda, 3)]
    [InlineData("opencl", DeviceKind.OpenCL, -1)]
    [InlineData("opencl:1", DeviceKind.OpenCL, 1)]
    [InlineData("vulkan", DeviceKind.Vulkan, -1)]
    [InlineData(" Vulkan:2 ", DeviceKind.Vulkan, 2)]
    public void ParsesDeviceStrings(string text, DeviceKind kind, int index)
    {
        var d = Device.Parse(text);
        Assert.Equal(kind, d.Kind);
        Assert.Equal(index, d.Index);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("gpu", "unknown device type 'gpu'")]
    [InlineData("cuda:", "invalid device index ''")]
    [InlineData("cuda:-1", "invalid device index '-1'")]
    [InlineData("cuda:x", "invalid device index 'x'")]
    [InlineData("cuda:99999999", "invalid device index")]
    public void RejectsMalformedDeviceStrings(string text, string expected)
    {
        var e = Assert.Throws<JitDeviceStringException>(() => Device.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void PrintsAsParsed()
    {
        Assert.Equal("cuda:1", Device.Parse("cuda:1").ToString());
        Assert.Equal("cpu", Device.Parse("cpu").ToString());
    }

    [Fact]
    public void UnregisteredBackendIsUnavailableNamingIt()
    {
        var registry = new BackendRegistry().AddCpu();
        var e = Assert.Throws<DeviceUnavailableException>(() => registry.Open("cuda:0"));
        Assert.Equal("cuda:0", e.Backend);
        Assert.Contains("no backend for 'cuda'", e.Message);
    }

    [Fact]
    public void FallbackHappensOnlyWhenAskedAndReportsTheRealDevice()
    {
        var registry = new BackendRegistry().AddCpu();
        Assert.Throws<DeviceUnavailableException>(() => registry.Open("vulkan"));
        using var backend = registry.Open("vulkan", FallbackPolicy.AllowCpu);
        Assert.Equal(Device.Cpu, backend.Device);
    }

    [Fact]
    public void BackendFactoryFailureNamesTheMissingLibrary()
    {
        var registry = new BackendRegistry();
        registry.Register(DeviceKind.OpenCL, _ => throw new DeviceUnavailableException("opencl", "libOpenCL.so.1 was not found"));
        var e = Assert.Throws<DeviceUnavailableException>(() => registry.Open("opencl"));
        Assert.Contains("libOpenCL.so.1", e.Message);
    }

    [Fact]
    public void RegisteringTwiceIsAnError()
    {
        var registry = new BackendRegistry().AddCpu();
        Assert.Throws<JitException>(() => registry.AddCpu());
    }
}

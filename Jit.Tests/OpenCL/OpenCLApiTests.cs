using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Xunit;

namespace Jit.Tests.OpenCL;

/// <summary>The native layer's messages; needs no device.</summary>
public sealed class OpenCLApiTests
{
    [Fact]
    public void AFailedStatusNamesTheCallAndTheError()
    {
        var e = Assert.Throws<JitDeviceException>(() => OpenCLApi.Check(-5, "clEnqueueNDRangeKernel(k)", "opencl:0"));
        Assert.Equal("CL_OUT_OF_RESOURCES", e.NativeName);
        Assert.Equal(-5, e.NativeCode);
        Assert.Contains("clEnqueueNDRangeKernel(k)", e.Message);
        Assert.Contains("opencl:0", e.Message);
        OpenCLApi.Check(0, "fine", "opencl:0");
        Assert.Equal("CL_UNKNOWN_ERROR_-9999", OpenCLErrors.Name(-9999));
        Assert.Equal("CL_PLATFORM_NOT_FOUND_KHR", OpenCLErrors.Name(-1001));
    }

    [Fact]
    public void AMissingLibraryIsNamedWithHowToInstallIt()
    {
        string reason = OpenCLApi.LoadFailure(new FileNotFoundException("Could not find or load the native library: libOpenCL.so.1\nmore"));
        Assert.Contains("libOpenCL.so.1", reason);
        Assert.Contains("ocl-icd-libopencl1", reason);
        Assert.DoesNotContain("\n", reason);
    }
}

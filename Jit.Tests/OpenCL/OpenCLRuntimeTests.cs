using Jit.Runtime;
using Jit.Tests.Runtime;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

/// <summary>The static runtime on <c>opencl</c> (<see cref="DeviceRuntimeTests"/>).</summary>
public sealed class OpenCLRuntimeTests : DeviceRuntimeTests
{
    protected override IBackend OpenBackend(bool quiet = false)
    {
        if (OpenCLFactAttribute.SkipReason is { } reason) Assert.Skip(reason);
        return OpenCLTesting.Open();
    }
}

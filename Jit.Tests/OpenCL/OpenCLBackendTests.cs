using Jit.Backends.Cpu;
using Jit.Backends.OpenCL;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

public sealed class OpenCLBackendTests
{
    [OpenCLFact]
    public void OpensTheDefaultDeviceAndDisposesTwice()
    {
        var backend = OpenCLTesting.Open();
        Assert.Equal(DeviceKind.OpenCL, backend.Device.Kind);
        Assert.True(backend.Device.Index >= 0);
        Assert.False(((IBackend)backend).IsHost);
        Assert.Same(backend.Allocator, ((IBackend)backend).Allocator);
        Assert.Same(backend.DefaultQueue, ((IBackend)backend).Queue);
        Assert.True(backend.Kernels.Contains("aten::copy_"));
        backend.Dispose();
        backend.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.Context);
    }

    [OpenCLFact]
    public void RegistryOpensOpenCLByDeviceString()
    {
        var registry = new BackendRegistry().AddCpu().AddOpenCL(new OpenCLBackendOptions { DiskCache = false });
        using var backend = registry.Open("opencl:0");
        Assert.Equal(new Device(DeviceKind.OpenCL, 0), backend.Device);
        Assert.IsType<OpenCLBackend>(backend);
    }

    [OpenCLFact]
    public void AMissingDeviceIndexIsUnavailableAndNamesTheDevices()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => new OpenCLBackend(Device.Parse("opencl:99")));
        Assert.Contains("opencl:99", e.Message);
        Assert.Contains("opencl:0", e.Message);
    }

    [Fact]
    public void AnotherDeviceKindIsRefused() =>
        Assert.Throws<DeviceUnavailableException>(() => new OpenCLBackend(Device.Cpu));

    [OpenCLFact]
    public void UploadsAndDownloadsAtOffsets()
    {
        using var backend = OpenCLTesting.Open();
        using var buffer = backend.Allocator.Allocate(1000);
        var data = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
        buffer.Write(123, data);
        var back = new byte[300];
        buffer.Read(123, back);
        Assert.Equal(data, back);
        var part = new byte[50];
        backend.DefaultQueue.Download(buffer, 173, part);
        Assert.Equal(data[50..100], part);
        Assert.Throws<JitRuntimeException>(() => buffer.Write(900, data));
    }

    [OpenCLFact]
    public void RoundTripsMegabytes()
    {
        using var backend = OpenCLTesting.Open();
        long before = backend.Allocator.LiveBytes;
        var data = new byte[12 << 20];
        new Random(7).NextBytes(data);
        using (var buffer = backend.Allocator.Allocate(data.Length + 64))
        {
            buffer.Write(64, data);
            using var copy = backend.Allocator.Allocate(data.Length);
            backend.DefaultQueue.Copy(buffer, 64, copy, 0, data.Length);
            var back = new byte[data.Length];
            copy.Read(0, back);
            Assert.True(data.AsSpan().SequenceEqual(back));
            Assert.Equal(before + 2L * data.Length + 64, backend.Allocator.LiveBytes);
        }
        Assert.Equal(before, backend.Allocator.LiveBytes);
    }

    [OpenCLFact]
    public void TensorsGoUpAndComeBackWithTheirStrides()
    {
        using var backend = OpenCLTesting.Open();
        var host = OpenCLTesting.Iota(1, 4, 6).AsStrided([3, 4], [1, 6], 2);
        var device = host.ToDevice(backend.Allocator);
        Assert.Equal(backend.Device, device.Device);
        Assert.Equal(OpenCLTesting.Elements(host), OpenCLTesting.Elements(device));
        device.Storage.Buffer!.Dispose();
    }

    [OpenCLFact]
    public void AnEmptyAllocationIsCountedAsNothing()
    {
        using var backend = OpenCLTesting.Open();
        long bytes = backend.Allocator.LiveBytes;
        using (var empty = backend.Allocator.Allocate(0))
        {
            Assert.Equal(0, empty.ByteLength);
            empty.Read(0, Span<byte>.Empty);
            Assert.Equal(bytes, backend.Allocator.LiveBytes);
        }
        Assert.Throws<JitRuntimeException>(() => backend.Allocator.Allocate(-1));
    }

    [OpenCLFact]
    public void AnAbsurdAllocationIsOutOfMemoryAndLeavesNothing()
    {
        using var backend = OpenCLTesting.Open();
        long bytes = backend.Allocator.LiveBytes, buffers = backend.Allocator.LiveBuffers;
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => backend.Allocator.Allocate(1L << 50));
        Assert.Equal(1L << 50, e.RequestedBytes);
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
        Assert.Equal(buffers, backend.Allocator.LiveBuffers);
    }

    [OpenCLFact]
    public void ExtraQueuesWorkAndDisposeTwice()
    {
        using var backend = OpenCLTesting.Open();
        var queue = backend.CreateQueue();
        using var buffer = backend.Allocator.Allocate(16);
        queue.Upload(buffer, 0, new byte[] { 1, 2, 3, 4 });
        var back = new byte[4];
        queue.Download(buffer, 0, back);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, back);
        queue.Dispose();
        queue.Dispose();
        Assert.Throws<ObjectDisposedException>(() => queue.Synchronize());
    }

    [OpenCLFact]
    public void BuffersOfAnotherDeviceAreRefused()
    {
        using var a = OpenCLTesting.Open();
        using var b = OpenCLTesting.Open();
        using var buffer = a.Allocator.Allocate(8);
        Assert.Throws<JitDeviceException>(() => b.DefaultQueue.Upload(buffer, 0, new byte[8]));
    }

    [OpenCLFact]
    public void ABufferOutlivingItsBackendIsStillReleased()
    {
        var backend = OpenCLTesting.Open();
        DeviceBuffer buffer = backend.Allocator.Allocate(64);
        backend.Dispose();
        buffer.Dispose();
        Assert.Equal(0, backend.Allocator.LiveBuffers);
    }
}

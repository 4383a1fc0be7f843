using Jit.Errors;

namespace Jit.Runtime;

/// <summary>Kinds of device a graph can run on. Names are what device strings use.</summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
    OpenCL,
    Vulkan,
}

/// <summary>
/// A parsed device string: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>opencl[:N]</c>, <c>vulkan[:N]</c>.
/// <see cref="Index"/> is -1 where the string names no index (the backend's default device).
/// </summary>
public readonly record struct Device(DeviceKind Kind, int Index = -1)
{
    public static readonly Device Cpu = new(DeviceKind.Cpu);

    public static string KindName(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        DeviceKind.Vulkan => "vulkan",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static Device Parse(string text)
    {
        if (TryParse(text, out var d, out var error)) return d;
        throw new JitDeviceStringException(error!);
    }

    public static bool TryParse(string? text, out Device device, out string? error)
    {
        device = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "device string is empty; expected one of cpu, cuda[:N], opencl[:N], vulkan[:N]";
            return false;
        }
        string s = text.Trim();
        int colon = s.IndexOf(':');
        string kindText = colon < 0 ? s : s[..colon];
        DeviceKind? kind = kindText.ToLowerInvariant() switch
        {
            "cpu" => DeviceKind.Cpu,
            "cuda" => DeviceKind.Cuda,
            "opencl" => DeviceKind.OpenCL,
            "vulkan" => DeviceKind.Vulkan,
            _ => null,
        };
        if (kind is null)
        {
            error = $"unknown device type '{kindText}' in device string '{text}'; expected one of cpu, cuda[:N], opencl[:N], vulkan[:N]";
            return false;
        }
        int index = -1;
        if (colon >= 0)
        {
            string indexText = s[(colon + 1)..];
            if (indexText.Length == 0 || indexText.Length > 6 || !indexText.All(char.IsAsciiDigit))
            {
                error = $"invalid device index '{indexText}' in device string '{text}'; expected a non-negative integer";
                return false;
            }
            index = int.Parse(indexText, System.Globalization.CultureInfo.InvariantCulture);
        }
        device = new Device(kind.Value, index);
        return true;
    }

    public override string ToString() => Index < 0 ? KindName(Kind) : $"{KindName(Kind)}:{Index}";
}

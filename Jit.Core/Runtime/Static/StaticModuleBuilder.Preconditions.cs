using Jit.Ir;
using Jit.Runtime.Devices;

namespace Jit.Runtime.Static;

// Device kernels that state which arguments they run (a template covering some dtypes or layouts):
// asked once per node at plan time, with what the plan knows of its arguments (PlanTimeArguments).
internal sealed partial class StaticModuleBuilder
{
    private readonly Dictionary<Node, string?> _declined = [];

    /// <summary>Why the device's kernel for <paramref name="n"/> does not run its arguments, or null when it does (or cannot tell yet).</summary>
    private string? DeviceDeclines(Node n, string overload)
    {
        if (_backend.IsHost || !_backend.Kernels.HasPrecondition(overload)) return null;
        if (_declined.TryGetValue(n, out var known)) return known;
        var args = PlanTimeArguments.Of(n, _backend.Device);
        var reason = args is null ? null : _backend.Kernels.WhyNot(overload, args);
        _declined[n] = reason;
        return reason;
    }
}

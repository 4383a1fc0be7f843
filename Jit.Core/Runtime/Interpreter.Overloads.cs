using Jit.Ir;

namespace Jit.Runtime;

public sealed partial class Interpreter
{
    // The kernel key of a node: its resolved schema's overload name (the registry decides, not the interpreter).
    private static string OverloadName(Node node) => node.Schema.QualifiedOverloadName;
}

using System.Globalization;
using System.Text;
using Jit.Codegen;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>
/// Every op of the lowering table, lowered alone in several dtypes and rendered with
/// <see cref="OpenCLRenderer"/>, compiles as OpenCL C 1.2 (clang-14, syntax and types only).
/// </summary>
public sealed class OpenCLCompileTests
{
    // One of each kind of storage and arithmetic (int64 is every index).
    private static readonly DType[] DTypes = [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int32, DType.Int8, DType.Bool];

    // Arguments a schema cannot give a usable value for by type alone.
    private static readonly Dictionary<string, string> Overrides = new(StringComparer.Ordinal)
    {
        ["approximate"] = "str = prim::Constant[value=\"tanh\"]()",
        ["rounding_mode"] = "str = prim::Constant[value=\"floor\"]()",
        ["normalized_shape"] = "int[] = prim::Constant[value=[5]]()",
        ["num_groups"] = "int = prim::Constant[value=1]()",
    };

    [ClangOpenCLFact]
    public void EveryLoweredOpCompiles()
    {
        var dir = Directory.CreateTempSubdirectory("jit-opencl-");
        try
        {
            var files = new List<string>();
            var lowered = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in LoweringTable.Names)
            {
                var schema = OpRegistry.Default.FindOverload(name);
                if (schema is null) continue;
                foreach (var dtype in DTypes)
                {
                    if (GraphFor(schema, dtype) is not { } text) continue;
                    var kernel = TeLowering.TryLowerGroup(Graph.Parse(text), out _, "k");
                    if (kernel is null) continue;
                    lowered.Add(name);
                    var path = Path.Combine(dir.FullName, $"{files.Count:D4}_{name.Replace(':', '_')}_{dtype.PythonName()}.cl");
                    File.WriteAllText(path, $"// {name} {dtype.PythonName()}\n" + OpenCLRenderer.Render(kernel).Source);
                    files.Add(path);
                }
            }
            var missing = LoweringTable.Names.Where(n => !lowered.Contains(n)).ToList();
            Assert.True(missing.Count * 10 <= LoweringTable.Names.Count, $"only {lowered.Count} of {LoweringTable.Names.Count} ops lowered here; not: {string.Join(", ", missing)}");
            var (code, _, stderr) = ExternalTools.Run(ClangOpenCLFactAttribute.Clang!,
                ["-x", "cl", "-cl-std=CL1.2", "-fsyntax-only", "-Xclang", "-finclude-default-header", "-Werror", .. files], TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"clang rejected rendered OpenCL C:\n{Truncate(stderr)}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Truncate(string s) => s.Length <= 6000 ? s : s[..6000] + "\n...";

    // A graph applying the op once: tensors are [3, 5] inputs of dtype, other arguments their
    // default, an override, or a plain value of their type.
    internal static string? GraphFor(FunctionSchema schema, DType dtype)
    {
        var inputs = new List<string>();
        var body = new StringBuilder();
        var args = new List<string>();
        int k = 0;
        foreach (var a in schema.Arguments)
        {
            if (a.KwargOnly && a.IsOut) return null;
            string v = $"%a{k++}";
            args.Add(v);
            string type = a.Type.ToString();
            if (type is "Tensor" || (type == "Tensor?" && !a.HasDefault))
            {
                inputs.Add($"{v} : {dtype.IrName()}(SS(-1), 5)");
                continue;
            }
            string? constant = Overrides.TryGetValue(a.Name, out var o) ? o
                : a.HasDefault ? Constant(a.DefaultValue!.Value, type)
                : type switch
                {
                    "int" or "SymInt" => "int = prim::Constant[value=1]()",
                    "float" => "float = prim::Constant[value=0.5]()",
                    "bool" => "bool = prim::Constant[value=0]()",
                    "Scalar" or "number" => "int = prim::Constant[value=2]()",
                    "int[]" or "int[1]" or "SymInt[]" or "int[1]?" or "int[]?" => "int[] = prim::Constant[value=[1]]()",
                    _ => null,
                };
            if (constant is null) return null;
            body.Append(CultureInfo.InvariantCulture, $"  {v} : {constant}\n");
        }
        int outputs = schema.Returns.Count;
        var outs = Enumerable.Range(0, outputs).Select(o => $"%r{o}").ToArray();
        body.Append(CultureInfo.InvariantCulture, $"  {string.Join(", ", outs.Select(o => o + " : Tensor"))} = {schema.Name}({string.Join(", ", args)})\n");
        body.Append(CultureInfo.InvariantCulture, $"  return ({string.Join(", ", outs)})\n");
        return $"graph({string.Join(", ", inputs)}):\n{body}";
    }

    private static string? Constant(IValue value, string type)
    {
        if (value.IsNone) return "NoneType = prim::Constant()";
        if (value.IsBool) return $"bool = prim::Constant[value={(value.AsBool ? 1 : 0)}]()";
        if (value.IsInt) return $"int = prim::Constant[value={value.AsInt.ToString(CultureInfo.InvariantCulture)}]()";
        if (value.IsDouble) return $"float = prim::Constant[value={value.AsDouble.ToString("R", CultureInfo.InvariantCulture)}]()";
        if (value.IsString) return $"str = prim::Constant[value=\"{value.AsString}\"]()";
        if (type.StartsWith("int[", StringComparison.Ordinal)) return $"int[] = prim::Constant[value={value}]()";
        return null;
    }
}

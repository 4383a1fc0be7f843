using System.Reflection;
using System.Runtime.Intrinsics;
using Jit.Errors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Finds the <c>Vector256</c> / <c>Vector512</c> methods the vector emitter calls, by name and
/// element type, so one emitter serves both widths (the JIT turns each call into instructions).
/// </summary>
internal sealed class VectorIl
{
    private readonly Type _static;
    private readonly Type _generic;
    private readonly int _bits;

    public VectorIl(int bits)
    {
        _bits = bits;
        (_static, _generic) = bits == 512 ? (typeof(Vector512), typeof(Vector512<>)) : (typeof(Vector256), typeof(Vector256<>));
    }

    public int Lanes(Type element) => _bits / 8 / System.Runtime.InteropServices.Marshal.SizeOf(element);

    public Type VectorOf(Type element) => _generic.MakeGenericType(element);

    /// <summary>A generic method <c>Name&lt;T&gt;</c> whose parameters are all vectors of T.</summary>
    public MethodInfo Generic(string name, Type element, int arity) =>
        _static.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == name && m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1)
            .Select(m => m.MakeGenericMethod(element))
            .FirstOrDefault(m => m.GetParameters().Length == arity && m.GetParameters().All(p => p.ParameterType == VectorOf(element)))
        ?? throw Missing(name, element);

    /// <summary>A non-generic overload <c>Name(VectorN&lt;T&gt;)</c>.</summary>
    public MethodInfo Exact(string name, Type element) =>
        _static.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [VectorOf(element)]) ?? throw Missing(name, element);

    public MethodInfo Splat(Type element) =>
        _static.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == "Create" && m.IsGenericMethodDefinition && m.GetParameters().Length == 1 && m.GetParameters()[0].ParameterType.IsGenericParameter)
            .Select(m => m.MakeGenericMethod(element)).FirstOrDefault() ?? throw Missing("Create", element);

    public MethodInfo Load(Type element) => PointerMethod("Load", element, 1);

    public MethodInfo Store(Type element) => PointerMethod("Store", element, 2);

    private MethodInfo PointerMethod(string name, Type element, int arity) =>
        _static.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == arity
                && m.GetParameters()[arity - 1].ParameterType.IsPointer)
            .Select(m => m.MakeGenericMethod(element)).FirstOrDefault() ?? throw Missing(name, element);

    /// <summary>Reinterprets the lanes' bits (masks move between float and integer views).</summary>
    public MethodInfo As(Type from, Type to) =>
        _static.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .First(m => m.Name == "As" && m.GetGenericArguments().Length == 2).MakeGenericMethod(from, to);

    /// <summary><see cref="VectorMath"/>'s method for this width.</summary>
    public MethodInfo Math(string name, int arity) =>
        typeof(VectorMath).GetMethod(name, Enumerable.Repeat(VectorOf(typeof(float)), arity).ToArray()) ?? throw Missing(name, typeof(float));

    /// <summary>The horizontal reduction helper (<c>TeScalarOps.Sum256&lt;T&gt;</c>...).</summary>
    public MethodInfo Horizontal(string kind, Type element) =>
        typeof(TeScalarOps).GetMethod(kind + _bits, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(element);

    private JitRuntimeException Missing(string name, Type element) =>
        new($"Vector{_bits}.{name} for {element.Name} was not found");
}

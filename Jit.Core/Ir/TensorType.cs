using System.Globalization;
using System.Text;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Ir;

/// <summary>
/// One dimension of a tensor shape: a static size (&gt;= 0) or a symbol (negative id, printed
/// <c>SS(-3)</c>) standing for a size that other dims with the same symbol share.
/// </summary>
public readonly record struct ShapeSymbol(long Value)
{
    public bool IsStatic => Value >= 0;
    public static ShapeSymbol Static(long size) => new(size);
    public static ShapeSymbol Symbol(long id) => new(id < 0 ? id : -id);
    public override string ToString() =>
        IsStatic ? Value.ToString(CultureInfo.InvariantCulture) : $"SS({Value.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>
/// A tensor type with optional refinements: dtype, sizes (known rank with static, symbolic or
/// unknown dims, or unknown rank), strides, device, requires_grad. <c>Tensor</c> when nothing is known.
/// </summary>
public sealed class TensorType : JitType
{
    public static readonly TensorType Unknown = new();

    public DType? DType { get; init; }
    /// <summary>Null: rank unknown. An element null: that dim unknown (printed <c>*</c>).</summary>
    public IReadOnlyList<ShapeSymbol?>? Sizes { get; init; }
    /// <summary>Null or any element null: strides not fully known (not printed).</summary>
    public IReadOnlyList<long?>? Strides { get; init; }
    public Device? Device { get; init; }
    public bool? RequiresGrad { get; init; }
    public bool? Undefined { get; init; }

    public int? Rank => Sizes?.Count;

    /// <summary>Static sizes if every dim is a static size, else null.</summary>
    public long[]? ConcreteSizes =>
        Sizes is null || Sizes.Any(s => s is null || !s.Value.IsStatic) ? null : Sizes.Select(s => s!.Value.Value).ToArray();

    public static TensorType Create(DType? dtype, IReadOnlyList<long> sizes, IReadOnlyList<long>? strides = null, Device? device = null, bool? requiresGrad = null) =>
        new()
        {
            DType = dtype,
            Sizes = sizes.Select(s => (ShapeSymbol?)ShapeSymbol.Static(s)).ToArray(),
            Strides = strides?.Select(s => (long?)s).ToArray(),
            Device = device,
            RequiresGrad = requiresGrad,
        };

    /// <summary>The complete type of a concrete tensor, as PyTorch's profiling records it.</summary>
    public static TensorType FromTensor(Tensor t) =>
        Create(t.DType, t.SizesArray(), t.StridesArray(), t.Device, false);

    public TensorType WithDType(DType? dtype) => Copy(dtype: dtype);

    /// <summary>This type on <paramref name="device"/>.</summary>
    public TensorType WithDevice(Device device) => new()
    {
        DType = DType, Sizes = Sizes, Strides = Strides, Device = device, RequiresGrad = RequiresGrad, Undefined = Undefined,
    };
    public TensorType WithSizes(IReadOnlyList<ShapeSymbol?>? sizes) => Copy(sizes: sizes, clearStrides: true);

    /// <summary>Drops every refinement: the plain <c>Tensor</c> type.</summary>
    public bool IsUnrefined => DType is null && Sizes is null && Strides is null && Device is null && RequiresGrad is null && Undefined is null;

    private TensorType Copy(DType? dtype = null, IReadOnlyList<ShapeSymbol?>? sizes = null, bool clearStrides = false) => new()
    {
        DType = dtype ?? DType,
        Sizes = sizes ?? Sizes,
        Strides = clearStrides ? null : Strides,
        Device = Device,
        RequiresGrad = RequiresGrad,
        Undefined = Undefined,
    };

    public override bool Equals(JitType? other) =>
        other is TensorType t && t.ToString() == ToString();

    // Any tensor type is usable where any other tensor type is expected; refinements are facts, not constraints.
    public override bool IsSubtypeOf(JitType other) =>
        other is TensorType || base.IsSubtypeOf(other) || (other is OptionalType o && o.Element is TensorType);

    /// <summary>Printed as PyTorch's <c>operator&lt;&lt;(ostream, Type)</c> does for TensorType at full verbosity.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(DType is { } dt ? dt.IrName() : "Tensor");
        if (Sizes is { } sizes)
        {
            sb.Append('(');
            int i = 0;
            for (; i < sizes.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append(sizes[i] is { } s ? s.ToString() : "*");
            }
            bool stridesKnown = sizes.Count > 0 && Strides is { } st && st.Count == sizes.Count && st.All(x => x is not null);
            if (stridesKnown)
                sb.Append(", strides=[").Append(string.Join(", ", Strides!.Select(x => x!.Value))).Append(']');
            if (RequiresGrad is { } rg)
            {
                if (i > 0) sb.Append(", ");
                sb.Append("requires_grad=").Append(rg ? 1 : 0);
                i++;
            }
            if (Device is { } dev)
            {
                if (i > 0) sb.Append(", ");
                sb.Append("device=").Append(dev);
            }
            sb.Append(')');
        }
        else
        {
            int i = 0;
            if (RequiresGrad is { } rg)
            {
                sb.Append("(requires_grad=").Append(rg ? 1 : 0);
                i++;
            }
            if (Device is { } dev)
            {
                sb.Append(i++ > 0 ? ", " : "(").Append("device=").Append(dev);
            }
            if (i > 0) sb.Append(')');
        }
        if (Undefined == true) sb.Append("[Undefined]");
        return sb.ToString();
    }
}

namespace Jit.TensorExpr;

/// <summary>The combiner of a <see cref="Reducer"/>. Any/All reduce bool values; Max/Min propagate NaN.</summary>
public enum ReduceKind
{
    Sum,
    Prod,
    Max,
    Min,
    Any,
    All,
    Custom,
}

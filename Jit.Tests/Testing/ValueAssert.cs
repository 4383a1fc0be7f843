using Jit.Runtime;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Testing;

/// <summary>Compares runtime values as <c>torch.allclose</c> does (NaNs equal, dtype and shape exact).</summary>
public static class ValueAssert
{
    public static void Close(IValue expected, IValue actual, double rtol = 1e-4, double atol = 1e-5, string where = "")
    {
        if (expected.IsDouble && actual.IsDouble)
        {
            Assert.True(CloseEnough(expected.AsDouble, actual.AsDouble, rtol, atol), $"{where}: expected {expected} got {actual}");
            return;
        }
        Assert.True(expected.Tag == actual.Tag, $"{where}: expected a {expected.TagName} but got a {actual.TagName} ({actual})");
        switch (expected.Tag)
        {
            case IValueTag.Tensor: TensorClose(expected.AsTensor, actual.AsTensor, rtol, atol, where); break;
            case IValueTag.List:
                Assert.True(expected.AsList.Count == actual.AsList.Count, $"{where}: list of {expected.AsList.Count} vs {actual.AsList.Count}");
                for (int i = 0; i < expected.AsList.Count; i++) Close(expected.AsList[i], actual.AsList[i], rtol, atol, $"{where}[{i}]");
                break;
            case IValueTag.Tuple:
                Assert.True(expected.AsTuple.Count == actual.AsTuple.Count, $"{where}: tuple of {expected.AsTuple.Count} vs {actual.AsTuple.Count}");
                for (int i = 0; i < expected.AsTuple.Count; i++) Close(expected.AsTuple[i], actual.AsTuple[i], rtol, atol, $"{where}[{i}]");
                break;
            default: Assert.True(expected.Equals(actual), $"{where}: expected {expected} got {actual}"); break;
        }
    }

    public static void TensorClose(Tensor expected, Tensor actual, double rtol = 1e-4, double atol = 1e-5, string where = "")
    {
        Assert.True(expected.DType == actual.DType, $"{where}: dtype {actual.DType}, expected {expected.DType}");
        Assert.True(expected.Sizes.SequenceEqual(actual.Sizes),
            $"{where}: shape {ShapeUtil.Format(actual.Sizes)}, expected {ShapeUtil.Format(expected.Sizes)}");
        bool fp = expected.DType.IsFloatingPoint();
        for (long i = 0; i < expected.NumElements; i++)
        {
            if (fp)
            {
                double e = expected.GetDouble(i), a = actual.GetDouble(i);
                if (!CloseEnough(e, a, rtol, atol))
                    Assert.Fail($"{where}: element {i}: expected {e:R}, got {a:R} (rtol {rtol}, atol {atol})");
            }
            else if (expected.GetLong(i) != actual.GetLong(i))
            {
                Assert.Fail($"{where}: element {i}: expected {expected.GetLong(i)}, got {actual.GetLong(i)}");
            }
        }
    }

    public static bool CloseEnough(double e, double a, double rtol, double atol)
    {
        if (double.IsNaN(e)) return double.IsNaN(a);
        if (double.IsInfinity(e)) return e == a;
        return Math.Abs(e - a) <= atol + rtol * Math.Abs(e);
    }
}

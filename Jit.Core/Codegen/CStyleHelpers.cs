using System.Text;

namespace Jit.Codegen;

/// <summary>
/// The scalar helper functions rendered code may call (all take and return values, never
/// pointers), written once over a dialect's type names. Each is the C form of a rule of
/// <c>ScalarMath</c>: integer division by zero gives 0 where the oracle throws (a device cannot),
/// everything else gives exactly the oracle's value. Only the helpers a source uses are emitted.
/// </summary>
internal static class CStyleHelpers
{
    /// <summary>Every helper in dependency order (a helper only calls earlier ones).</summary>
    public static IReadOnlyList<(string Name, string Code)> All(CStyleDialect d)
    {
        string p = d.HelperPrefix, l = d.TypeName(Jit.Tensors.DType.Int64), ul = d.UInt64Name, u = d.UInt32Name, us = d.UInt16Name;
        string sfx = d.Int64Suffix;
        string longMax = $"0x7fffffffffffffff{sfx}", longMin = $"(-0x7fffffffffffffff{sfx} - 1{sfx})";
        var list = new List<(string, string)>
        {
            ("jit_h2f", $$"""
                {{p}} float jit_h2f({{us}} h) {
                  {{u}} s = ((({{u}})h) & 0x8000u) << 16, e = (({{u}})h >> 10) & 0x1fu, m = ({{u}})h & 0x3ffu;
                  if (e == 0) return {{d.BitsToFloat($"s | {d.FloatToBits("(float)m * 5.9604644775390625e-8f")}")}};
                  if (e == 31) return {{d.BitsToFloat("s | 0x7f800000u | (m << 13)")}};
                  return {{d.BitsToFloat("s | ((e + 112u) << 23) | (m << 13)")}};
                }
                """),
            ("jit_f2h", $$"""
                {{p}} {{us}} jit_f2h(float f) {
                  {{u}} x = {{d.FloatToBits("f")}}, s = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
                  if (a > 0x7f800000u) return ({{us}})(s | 0x7e00u);
                  if (a >= 0x477ff000u) return ({{us}})(s | 0x7c00u);
                  if (a < 0x38800000u) return ({{us}})(s | ({{u}})rint({{d.BitsToFloat("a")}} * 16777216.0f));
                  {{u}} m = a - 0x38000000u;
                  return ({{us}})(s | ((m + 0x0fffu + ((m >> 13) & 1u)) >> 13));
                }
                """),
            ("jit_rh", $"{p} float jit_rh(float f) {{ return jit_h2f(jit_f2h(f)); }}"),
            ("jit_bf2f", $"{p} float jit_bf2f({us} b) {{ return {d.BitsToFloat($"(({u})b) << 16")}; }}"),
            ("jit_f2bf", $$"""
                {{p}} {{us}} jit_f2bf(float f) {
                  {{u}} x = {{d.FloatToBits("f")}};
                  if (f != f) return ({{us}})0x7fc0u;
                  return ({{us}})((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
                }
                """),
            ("jit_rbf", $"{p} float jit_rbf(float f) {{ return jit_bf2f(jit_f2bf(f)); }}"),
            ("jit_div_l", $"{p} {l} jit_div_l({l} a, {l} b) {{ return b == 0 ? 0 : b == -1 ? ({l})(0 - ({ul})a) : a / b; }}"),
            ("jit_mod_l", $"{p} {l} jit_mod_l({l} a, {l} b) {{ return b == 0 || b == -1 ? 0 : a % b; }}"),
            ("jit_rem_l", $"{p} {l} jit_rem_l({l} a, {l} b) {{ {l} m = jit_mod_l(a, b); return m != 0 && ((b < 0) != (m < 0)) ? m + b : m; }}"),
            ("jit_floordiv_l", $$"""
                {{p}} {{l}} jit_floordiv_l({{l}} a, {{l}} b) {
                  if (b == 0) return 0;
                  if (b == -1) return ({{l}})(0 - ({{ul}})a);
                  {{l}} q = a / b;
                  return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
                }
                """),
            ("jit_max_l", $"{p} {l} jit_max_l({l} a, {l} b) {{ return a > b ? a : b; }}"),
            ("jit_min_l", $"{p} {l} jit_min_l({l} a, {l} b) {{ return a < b ? a : b; }}"),
            ("jit_abs_l", $"{p} {l} jit_abs_l({l} a) {{ return a < 0 ? ({l})(0 - ({ul})a) : a; }}"),
            ("jit_pow_l", $$"""
                {{p}} {{l}} jit_pow_l({{l}} x, {{l}} y) {
                  if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
                  {{ul}} r = 1, b = ({{ul}})x;
                  for ({{l}} e = y; e > 0; e >>= 1) { if ((e & 1) != 0) r *= b; b *= b; }
                  return ({{l}})r;
                }
                """),
        };
        foreach (var (t, s) in new[] { ("float", "f"), ("double", "d") })
        {
            string big = t == "float" ? "9.22337203685477580800e18f" : "9.22337203685477580800e18";
            list.Add(($"jit_max_{s}", $"{p} {t} jit_max_{s}({t} a, {t} b) {{ return a != a || b != b ? a + b : a == b ? (signbit(a) ? b : a) : a > b ? a : b; }}"));
            list.Add(($"jit_min_{s}", $"{p} {t} jit_min_{s}({t} a, {t} b) {{ return a != a || b != b ? a + b : a == b ? (signbit(a) ? a : b) : a < b ? a : b; }}"));
            list.Add(($"jit_rem_{s}", $"{p} {t} jit_rem_{s}({t} a, {t} b) {{ {t} m = fmod(a, b); return m != 0 && ((b < 0) != (m < 0)) ? m + b : m; }}"));
            // floor(a / b) of the exact quotient (the oracle divides float in double): a float
            // quotient rounded up to an integer is taken back by the sign of a - q * b (fma: exact sign).
            list.Add(($"jit_floordiv_{s}", t == "float"
                ? $"{p} float jit_floordiv_f(float a, float b) {{ float q = floor(a / b), r = fma(-q, b, a); return (b > 0 ? r < 0 : r > 0) ? q - 1 : q; }}"
                : $"{p} double jit_floordiv_d(double a, double b) {{ return floor(a / b); }}"));
            list.Add(($"jit_sigmoid_{s}", $"{p} {t} jit_sigmoid_{s}({t} x) {{ return 1 / (1 + exp(-x)); }}"));
            list.Add(($"jit_f2l_{s}", $"{p} {l} jit_f2l_{s}({t} x) {{ return x != x ? 0 : x >= {big} ? {longMax} : x <= -{big} ? {longMin} : ({l})x; }}"));
        }
        return list;
    }

    /// <summary>The definitions of the helpers <paramref name="body"/> calls, with what they call, in order.</summary>
    public static string Needed(CStyleDialect d, string body)
    {
        var all = All(d);
        var needed = new bool[all.Count];
        var text = new StringBuilder(body);
        // Walk backwards: a helper only calls earlier ones, so one pass collects the closure.
        for (int i = all.Count - 1; i >= 0; i--)
        {
            if (text.ToString().Contains(all[i].Name + "(", StringComparison.Ordinal))
            {
                needed[i] = true;
                text.Append(all[i].Code);
            }
        }
        var sb = new StringBuilder();
        for (int i = 0; i < all.Count; i++)
        {
            if (needed[i]) sb.Append(all[i].Code).Append('\n');
        }
        return sb.ToString();
    }
}

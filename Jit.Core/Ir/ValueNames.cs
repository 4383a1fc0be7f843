using Jit.Errors;

namespace Jit.Ir;

/// <summary>The graph's table of debug names, with PyTorch's rules for clashes (<c>x</c>, <c>x.1</c>, <c>x.2</c>…).</summary>
internal sealed class ValueNames
{
    private readonly Dictionary<string, Value> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nextSuffix = new(StringComparer.Ordinal);

    public bool IsTaken(string name) => _owners.ContainsKey(name);

    public void Rename(Value v, string? name)
    {
        if (name is not null && name.Length > 0 && name.All(char.IsAsciiDigit))
            throw new JitIrException($"'{name}' cannot be a debug name: names made only of digits are reserved for value ids");
        if (v.DebugName is { } old && _owners.TryGetValue(old, out var owner) && owner == v)
            _owners.Remove(old);
        v.SetDebugNameRaw(null);
        if (string.IsNullOrEmpty(name)) return;

        if (_owners.TryGetValue(name, out var previous))
        {
            // Someone has the name: rename that value to base.N.
            long suffix = 1;
            string nameBase = name;
            int dot = name.LastIndexOf('.');
            if (dot >= 0 && dot + 1 < name.Length && name[(dot + 1)..].All(char.IsAsciiDigit) && name.Length - dot - 1 < 18)
            {
                suffix = long.Parse(name[(dot + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                nameBase = name[..dot];
            }
            if (_nextSuffix.TryGetValue(nameBase, out long next)) suffix = Math.Max(suffix, next + 1);
            string replacement;
            do { replacement = $"{nameBase}.{suffix++}"; } while (_owners.ContainsKey(replacement));
            _nextSuffix[nameBase] = suffix;
            Rename(previous, replacement);
        }
        _owners[name] = v;
        v.SetDebugNameRaw(name);
    }
}

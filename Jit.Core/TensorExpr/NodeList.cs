using System.Collections;
using System.Runtime.CompilerServices;

namespace Jit.TensorExpr;

/// <summary>
/// An immutable list of IR nodes with structural equality and a cached hash, so records that hold
/// lists (loads, calls, blocks) compare by content. Build one with a collection expression.
/// </summary>
[CollectionBuilder(typeof(NodeList), nameof(NodeList.Create))]
public sealed class NodeList<T> : IReadOnlyList<T>, IEquatable<NodeList<T>> where T : class
{
    /// <summary>The empty list.</summary>
    public static readonly NodeList<T> Empty = new([]);

    private readonly T[] _items;
    private int _hash;

    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public NodeList(IEnumerable<T> items) => _items = items.ToArray();

    internal NodeList(T[] items, bool owned) => _items = owned ? items : (T[])items.Clone();

    public T this[int index] => _items[index];
    public int Count => _items.Length;
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
    internal ReadOnlySpan<T> AsSpan() => _items;

    public bool Equals(NodeList<T>? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._items.Length != _items.Length || other.GetHashCode() != GetHashCode()) return false;
        for (int i = 0; i < _items.Length; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(_items[i], other._items[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as NodeList<T>);

    public override int GetHashCode()
    {
        // Lists are immutable, so the hash is computed once; 0 marks "not yet computed".
        if (_hash != 0) return _hash;
        var h = new HashCode();
        foreach (var x in _items) h.Add(x);
        int r = h.ToHashCode();
        _hash = r == 0 ? 1 : r;
        return _hash;
    }

    public override string ToString() => "[" + string.Join(", ", _items.Select(x => x.ToString())) + "]";
}

/// <summary>Factory for <see cref="NodeList{T}"/> (the collection-expression builder).</summary>
public static class NodeList
{
    public static NodeList<T> Create<T>(ReadOnlySpan<T> items) where T : class =>
        items.Length == 0 ? NodeList<T>.Empty : new NodeList<T>(items.ToArray(), owned: true);

    public static NodeList<T> From<T>(IEnumerable<T> items) where T : class => new(items);
}

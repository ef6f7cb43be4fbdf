namespace Rebalancing.Engine.Planning;

/// <summary>
/// Hashes two indexes packed into a <see cref="long"/> (<c>high &lt;&lt; 32 | low</c>). <see cref="long.GetHashCode"/>
/// folds the halves with XOR, so (node, style) or (sender cell, receiver cell) keys collide by the thousand — small
/// indexes XOR into a small range — and lookups degrade into long chains (a 10M-row context took 30 s to build).
/// Fibonacci hashing spreads every bit of the key over the hash.
/// </summary>
internal sealed class PackedKeyComparer : IEqualityComparer<long>
{
    public static readonly PackedKeyComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => unchecked((int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32));
}

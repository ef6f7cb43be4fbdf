namespace Rebalancing.Engine.Passes.StoreTransfers;

/// <summary>
/// The transfer search's queue: a min-heap of (key, sender, receiver), compared in that order. It takes pairs out in
/// exactly the order <see cref="PriorityQueue{TElement, TPriority}"/> did with that tuple as the priority (keys compare
/// with <see cref="double.CompareTo(double)"/>, as the default comparer does; the order is total, so any heap shape
/// gives the same sequence), without the generic tuple comparisons that made queue operations the largest single cost
/// of pass 2 at 1M rows.
/// </summary>
/// <remarks>
/// Four children per node: at 1M rows the queue holds millions of pairs, and a heap half as deep takes half the cache
/// misses per removal (a node's children share a cache line).
/// </remarks>
internal sealed class PairQueue
{
    private Entry[] heap = new Entry[1024];
    private int count;

    public void Enqueue(int sender, int receiver, double key)
    {
        if (count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }

        var entry = new Entry(key, Tie(sender, receiver));
        var i = count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 2;
            if (!Before(entry, heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = entry;
    }

    public bool TryDequeue(out int sender, out int receiver, out double key)
    {
        if (count == 0)
        {
            (sender, receiver, key) = (0, 0, 0);
            return false;
        }

        var top = heap[0];
        (sender, receiver, key) = ((int)(top.Tie >> 32), unchecked((int)top.Tie), top.Key);
        var last = heap[--count];
        if (count > 0)
        {
            SiftDown(0, last);
        }

        return true;
    }

    /// <summary>
    /// Appends every pair of another queue, renumbered: its senders by <paramref name="senderOffset"/>, its receivers by
    /// <paramref name="receiverOffset"/>. The entries are not in heap order until <see cref="Heapify"/> rebuilds it (once,
    /// after the last queue is in, in time linear in its size); nothing may be taken out or queued before.
    /// </summary>
    public void AppendAll(PairQueue other, int senderOffset, int receiverOffset)
    {
        if (count + other.count > heap.Length)
        {
            Array.Resize(ref heap, Math.Max(count + other.count, heap.Length * 2));
        }

        for (var i = 0; i < other.count; i++)
        {
            var entry = other.heap[i];
            heap[count++] = new Entry(entry.Key, Tie((int)(entry.Tie >> 32) + senderOffset, unchecked((int)entry.Tie) + receiverOffset));
        }
    }

    /// <summary>Restores heap order after <see cref="AppendAll"/>.</summary>
    public void Heapify()
    {
        for (var i = (count - 2) >> 2; i >= 0; i--)
        {
            SiftDown(i, heap[i]);
        }
    }

    /// <summary>Places <paramref name="entry"/> at <paramref name="i"/> or below, moving smaller children up.</summary>
    private void SiftDown(int i, Entry entry)
    {
        while (true)
        {
            var first = (4 * i) + 1;
            if (first >= count)
            {
                break;
            }

            var child = first;
            var end = Math.Min(first + 4, count);
            for (var c = first + 1; c < end; c++)
            {
                if (Before(heap[c], heap[child]))
                {
                    child = c;
                }
            }

            if (!Before(heap[child], entry))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = entry;
    }

    private static bool Before(in Entry a, in Entry b)
    {
        var byKey = a.Key.CompareTo(b.Key);
        return byKey != 0 ? byKey < 0 : a.Tie < b.Tie;
    }

    /// <summary>Sender and receiver in one integer that orders as the pair (both are never negative).</summary>
    private static long Tie(int sender, int receiver) => ((long)sender << 32) | (uint)receiver;

    private readonly record struct Entry(double Key, long Tie);
}

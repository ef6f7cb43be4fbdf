using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Rebalancing.Engine.Model;
using Rebalancing.Engine.Policies;
using Rebalancing.Engine.Reasons;

namespace Rebalancing.Engine.Plans;

/// <summary>
/// The determinism hash and the input hash (engine-rules.md). Both are lowercase hex SHA-256 over a canonical
/// UTF-8 text, documented line by line in docs/determinism-hash.md so anyone can recompute them: sections in a fixed
/// order, rows sorted by key, fields separated by <c>|</c>, numbers in invariant shortest round-trip form, text
/// escaped, every line ending in <c>\n</c>. Row order, column order and header case never reach it.
/// </summary>
public static class DeterminismHash
{
    /// <summary>The first line of the canonical text; changes if the canonical form ever does.</summary>
    public const string FormatLine = "rebalancing-canonical/1";

    /// <summary>The input hash: SHA-256 over the canonical snapshot and the effective policy.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>Lowercase hex.</returns>
    public static string OfInput(Snapshot snapshot, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        using var text = new CanonicalText(sink: null);
        WriteInput(text, snapshot, policy);
        return text.FinishHash();
    }

    /// <summary>The determinism hash of a plan: engine version, canonical input, then the plan's moves and reasons.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>Lowercase hex.</returns>
    public static string OfPlan(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var text = new CanonicalText(sink: null);
        WriteCanonical(text, plan);
        return text.FinishHash();
    }

    /// <summary>Writes the whole canonical text of a plan (for inspection and for recomputing the hash by hand).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="plan">The plan.</param>
    public static void WriteCanonical(TextWriter writer, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        using var text = new CanonicalText(writer);
        WriteCanonical(text, plan);
        text.Flush();
    }

    /// <summary>
    /// Hashes everything that comes before the plan: the input hash, and the determinism hash's canonical text up to
    /// the end of the input. Neither depends on the plan, so a caller can work them out while the passes run and
    /// finish the determinism hash with <see cref="Plan"/>'s moves and reasons afterwards.
    /// </summary>
    internal static PreparedInput PrepareInput(Snapshot snapshot, Policy policy)
    {
        // The input's text is the determinism hash's text after its first two lines: it is written once, and from
        // there on hashed twice.
        var text = new CanonicalText(sink: null);
        WriteHead(text, EngineInfo.Version);
        text.StartSecondHash();
        WriteInput(text, snapshot, policy);
        var inputHash = text.FinishSecondHash();
        return new PreparedInput(snapshot, policy, inputHash, text);
    }

    /// <summary>The determinism hash of a plan whose input <paramref name="prepared"/> hashed already.</summary>
    internal static string OfPlan(Plan plan, PreparedInput prepared)
    {
        if (!ReferenceEquals(prepared.Snapshot, plan.Snapshot) || !ReferenceEquals(prepared.Policy, plan.Policy) || plan.EngineVersion != EngineInfo.Version)
        {
            throw new ArgumentException("the prepared input is not this plan's", nameof(prepared));
        }

        using var text = prepared.TakeText();
        WritePlan(text, plan);
        return text.FinishHash();
    }

    /// <summary>The input's hashes, computed ahead of the plan (<see cref="PrepareInput"/>); the text is used once.</summary>
    internal sealed class PreparedInput(Snapshot snapshot, Policy policy, string inputHash, CanonicalText text)
    {
        private CanonicalText? text = text;

        public Snapshot Snapshot { get; } = snapshot;

        public Policy Policy { get; } = policy;

        public string InputHash { get; } = inputHash;

        public CanonicalText TakeText() => Interlocked.Exchange(ref text, null) ?? throw new InvalidOperationException("the prepared input was used already");
    }

    private static void WriteCanonical(CanonicalText w, Plan plan)
    {
        WritePrefix(w, plan.EngineVersion, plan.Snapshot, plan.Policy);
        WritePlan(w, plan);
    }

    private static void WritePrefix(CanonicalText w, string engineVersion, Snapshot snapshot, Policy policy)
    {
        WriteHead(w, engineVersion);
        WriteInput(w, snapshot, policy);
    }

    private static void WriteHead(CanonicalText w, string engineVersion)
    {
        w.Raw(FormatLine);
        w.Raw("\n");
        Line(w, "engine_version", engineVersion);
    }

    // Hot loops are compiled optimised at first call: a command-line run assembles once, and tier-0 code would
    // run most of it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WritePlan(CanonicalText w, Plan plan)
    {
        w.Raw("[moves]\n");
        foreach (var m in plan.Moves)
        {
            w.Field(m.MoveId);
            w.Field(m.Pass);
            w.Field(m.FromNode);
            w.Field(m.ToNode);
            w.Field(m.Sku);
            w.Field(m.Quantity);
            w.Money(m.GpUpliftCents);
            w.Money(m.FreightCostCents);
            w.Field(ReasonNames.Name(m.Reason));
            w.Field(m.ApprovalLevel == ApprovalLevel.Elevated ? "elevated" : "standard");
            w.EndRow();
        }

        w.Raw("[blocked]\n");
        foreach (var b in plan.Blocked)
        {
            w.Field(b.NodeId);
            w.Field(b.Sku);
            w.Field(b.Pass);
            w.Field(ReasonNames.Name(b.Code));
            w.Field(b.Detail);
            w.EndRow();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteInput(CanonicalText w, Snapshot snapshot, Policy policy)
    {
        var h = snapshot.Header;
        w.Raw("[snapshot]\n");
        Line(w, "org_id", h.OrgId);
        w.Raw("as_of=");
        w.Field(h.AsOf);
        w.EndRow();
        Line(w, "currency", h.Currency);
        Line(w, "snapshot_id", h.SnapshotId);
        w.Raw("[nodes]\n");
        foreach (var n in snapshot.Nodes)
        {
            w.Field(n.Id);
            w.Field(n.Name);
            w.Field(n.Type == NodeType.Store ? "store" : "warehouse");
            w.Field(n.Cluster);
            w.Field(n.Latitude);
            w.Field(n.Longitude);
            w.Field(n.CapacityUnits);
            w.Field(Bool(n.ReceiveEnabled));
            w.Field(Bool(n.ShipEnabled));
            w.EndRow();
        }

        w.Raw("[products]\n");
        foreach (var p in snapshot.Products)
        {
            w.Field(p.Sku);
            w.Field(p.Style);
            w.Field(p.Size);
            w.Field(p.SizeOrder);
            w.Field(p.Category);
            w.Field(p.UnitCost);
            w.Field(p.UnitPrice);
            w.Field(p.Lifecycle.ToString().ToLowerInvariant());
            w.Field(p.SeasonEnd);
            w.EndRow();
        }

        w.Raw("[inventory]\n");
        var inventory = snapshot.Inventory;
        for (var r = 0; r < inventory.Count; r++)
        {
            var weekly = inventory.WeeklyDemand[r];
            w.Field(snapshot.Nodes[inventory.Node[r]].Id);
            w.Field(snapshot.Products[inventory.Sku[r]].Sku);
            w.Field(inventory.OnHand[r]);
            w.Field(inventory.InTransit[r]);
            w.Field(inventory.Reserved[r]);
            w.Field(inventory.Sales4w[r]);
            w.Field(double.IsNaN(weekly) ? null : weekly);
            w.EndRow();
        }

        w.Raw("[freight]\n");
        foreach (var f in snapshot.Freight)
        {
            w.Field(f.FromNode);
            w.Field(f.ToNode);
            w.Field(f.FromCluster);
            w.Field(f.ToCluster);
            w.Field(f.CostPerUnit);
            w.Field(f.CostPerShipment);
            w.Field(f.TransitDays);
            w.EndRow();
        }

        w.Raw("[recent_moves]\n");
        foreach (var m in snapshot.RecentMoves)
        {
            w.Field(m.Sku);
            w.Field(m.FromNode);
            w.Field(m.ToNode);
            w.Field(m.Quantity);
            w.Field(m.AppliedAt);
            w.EndRow();
        }

        w.Raw("[policy]\n");
        w.Raw(policy.ToCanonicalJson());
        w.Raw("\n");
    }

    private static void Line(CanonicalText w, string key, string? value)
    {
        w.Raw(key);
        w.Raw("=");
        w.Field(value);
        w.EndRow();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>
    /// Builds the canonical text in a character buffer, formatting numbers straight into it, and hands each full
    /// buffer to SHA-256 (as UTF-8) or to a text writer — one writer of the text for both, so the hash is always
    /// the hash of what <see cref="WriteCanonical(TextWriter, Plan)"/> shows. Hashing ten million rows holds no text
    /// in memory and allocates nothing per row.
    /// </summary>
    /// <remarks>
    /// Fields are written as the encoding rules say: a <c>|</c> before every field but a row's first, text escaped,
    /// an absent value empty, integers invariant, decimals in shortest round-trip form (<c>"R"</c>), money from cents
    /// with two decimals, instants in UTC with seven fractional digits, dates <c>yyyy-MM-dd</c>.
    /// </remarks>
    internal sealed class CanonicalText : IDisposable
    {
        private const int Capacity = 1 << 15;

        /// <summary>Room always left for one formatted number, so formatting never needs a second try.</summary>
        private const int NumberRoom = 64;

        private readonly TextWriter? sink;
        private readonly IncrementalHash? hash;
        private readonly char[] chars = new char[Capacity];
        private readonly byte[] bytes;

        /// <summary>A hash of the text from <see cref="StartSecondHash"/> on, while one is running.</summary>
        private IncrementalHash? secondHash;
        private int count;
        private bool rowStarted;

        /// <summary>Writes to <paramref name="sink"/>, or hashes when it is null.</summary>
        public CanonicalText(TextWriter? sink)
        {
            this.sink = sink;
            if (sink is null)
            {
                hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                bytes = new byte[Capacity * 3];
            }
            else
            {
                bytes = [];
            }
        }

        /// <summary>Text as it is, with no separator and no escaping.</summary>
        public void Raw(string value)
        {
            var span = value.AsSpan();
            while (!span.IsEmpty)
            {
                if (count == Capacity)
                {
                    Flush();
                }

                var take = Math.Min(span.Length, Capacity - count);
                span[..take].CopyTo(chars.AsSpan(count));
                count += take;
                span = span[take..];
            }
        }

        /// <summary>A text field; backslash, bar and line breaks are escaped so fields never run into each other.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Field(string? value)
        {
            Separator();
            if (value is null)
            {
                return;
            }

            if (value.AsSpan().IndexOfAny("\\|\n\r") < 0)
            {
                Raw(value);
                return;
            }

            foreach (var ch in value)
            {
                switch (ch)
                {
                    case '\\':
                        Raw("\\\\");
                        break;
                    case '|':
                        Raw("\\p");
                        break;
                    case '\n':
                        Raw("\\n");
                        break;
                    case '\r':
                        Raw("\\r");
                        break;
                    default:
                        Char(ch);
                        break;
                }
            }
        }

        public void Field(long value)
        {
            Separator();
            Integer(value);
        }

        public void Field(long? value)
        {
            if (value is { } v)
            {
                Field(v);
            }
            else
            {
                Separator();
            }
        }

        public void Field(double? value)
        {
            Separator();
            if (value is { } v)
            {
                Room();

                // Whole numbers below 1e15 (not -0) print their digits in "R" form, as a long does, only faster;
                // most sales and demand figures are whole.
                if (Math.Abs(v) < 1e15 && v == Math.Floor(v) && !(v == 0 && double.IsNegative(v)))
                {
                    Integer((long)v);
                }
                else
                {
                    v.TryFormat(chars.AsSpan(count), out var written, "R", CultureInfo.InvariantCulture);
                    count += written;
                }
            }
        }

        public void Field(DateTimeOffset value)
        {
            Separator();
            Room();
            value.UtcDateTime.TryFormat(chars.AsSpan(count), out var written, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            count += written;
        }

        public void Field(DateOnly? value)
        {
            Separator();
            if (value is { } v)
            {
                Room();
                v.TryFormat(chars.AsSpan(count), out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                count += written;
            }
        }

        /// <summary>
        /// Money from cents with two decimals, as <c>(cents / 100m).ToString("0.00", InvariantCulture)</c> writes it:
        /// a minus sign when negative, the whole units, a point, two digits.
        /// </summary>
        public void Money(long cents)
        {
            Separator();
            Room();
            if (cents < 0)
            {
                chars[count++] = '-';
            }

            var magnitude = cents < 0 ? (ulong)(-(cents + 1)) + 1 : (ulong)cents;
            Digits(magnitude / 100);
            var hundredths = (int)(magnitude % 100);
            chars[count++] = '.';
            chars[count++] = (char)('0' + (hundredths / 10));
            chars[count++] = (char)('0' + (hundredths % 10));
        }

        public void EndRow()
        {
            Char('\n');
            rowStarted = false;
        }

        public void Flush()
        {
            if (sink is not null)
            {
                sink.Write(chars, 0, count);
                count = 0;
                return;
            }

            // A surrogate pair split across flushes would encode differently; keep a trailing high surrogate.
            var keep = count > 0 && char.IsHighSurrogate(chars[count - 1]) ? 1 : 0;
            var n = Encoding.UTF8.GetBytes(chars, 0, count - keep, bytes, 0);
            hash!.AppendData(bytes, 0, n);
            secondHash?.AppendData(bytes, 0, n);
            if (keep == 1)
            {
                chars[0] = chars[count - 1];
            }

            count = keep;
        }

        public string FinishHash()
        {
            Flush();
            return Convert.ToHexStringLower(hash!.GetHashAndReset());
        }

        /// <summary>
        /// Starts hashing what is written from here on a second time, on its own (a hashing text only, at the end
        /// of a line, so no character is split between the two).
        /// </summary>
        public void StartSecondHash()
        {
            Flush();
            if (hash is null || secondHash is not null || count != 0)
            {
                throw new InvalidOperationException("a second hash starts once, on a hashing text, after a whole character");
            }

            secondHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }

        /// <summary>The second hash's value: SHA-256 of the text written since <see cref="StartSecondHash"/>. The main hash goes on.</summary>
        public string FinishSecondHash()
        {
            Flush();
            if (secondHash is null || count != 0)
            {
                throw new InvalidOperationException("no second hash is running, or the text ends inside a character");
            }

            var value = Convert.ToHexStringLower(secondHash.GetHashAndReset());
            secondHash.Dispose();
            secondHash = null;
            return value;
        }

        public void Dispose()
        {
            hash?.Dispose();
            secondHash?.Dispose();
        }

        /// <summary>An integer in invariant decimal: a minus sign when negative, then its digits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Integer(long value)
        {
            Room();
            if (value < 0)
            {
                chars[count++] = '-';
            }

            Digits(value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value);
        }

        private void Digits(ulong value)
        {
            var length = 1;
            for (var rest = value / 10; rest > 0; rest /= 10)
            {
                length++;
            }

            for (var i = count + length - 1; i >= count; i--)
            {
                chars[i] = (char)('0' + (int)(value % 10));
                value /= 10;
            }

            count += length;
        }

        private void Separator()
        {
            if (rowStarted)
            {
                Char('|');
            }

            rowStarted = true;
        }

        private void Char(char value)
        {
            if (count == Capacity)
            {
                Flush();
            }

            chars[count++] = value;
        }

        private void Room()
        {
            if (Capacity - count < NumberRoom)
            {
                Flush();
            }
        }
    }
}

using System.Globalization;
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
        using var text = new HashingWriter();
        WriteInput(text, snapshot, policy);
        return text.Finish();
    }

    /// <summary>The determinism hash of a plan: engine version, canonical input, then the plan's moves and reasons.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>Lowercase hex.</returns>
    public static string OfPlan(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var text = new HashingWriter();
        WriteCanonical(text, plan);
        return text.Finish();
    }

    /// <summary>Writes the whole canonical text of a plan (for inspection and for recomputing the hash by hand).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="plan">The plan.</param>
    public static void WriteCanonical(TextWriter writer, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        writer.Write(FormatLine);
        writer.Write('\n');
        Line(writer, "engine_version", plan.EngineVersion);
        WriteInput(writer, plan.Snapshot, plan.Policy);
        writer.Write("[moves]\n");
        foreach (var m in plan.Moves)
        {
            Row(writer, m.MoveId, Int(m.Pass), m.FromNode, m.ToNode, m.Sku, Int(m.Quantity), Money(m.GpUpliftCents), Money(m.FreightCostCents), ReasonNames.Name(m.Reason), m.ApprovalLevel == ApprovalLevel.Elevated ? "elevated" : "standard");
        }

        writer.Write("[blocked]\n");
        foreach (var b in plan.Blocked)
        {
            Row(writer, b.NodeId, b.Sku, Int(b.Pass), ReasonNames.Name(b.Code), b.Detail);
        }
    }

    private static void WriteInput(TextWriter w, Snapshot snapshot, Policy policy)
    {
        var h = snapshot.Header;
        w.Write("[snapshot]\n");
        Line(w, "org_id", h.OrgId);
        Line(w, "as_of", Instant(h.AsOf));
        Line(w, "currency", h.Currency);
        Line(w, "snapshot_id", h.SnapshotId);
        w.Write("[nodes]\n");
        foreach (var n in snapshot.Nodes)
        {
            Row(w, n.Id, n.Name, n.Type == NodeType.Store ? "store" : "warehouse", n.Cluster, Num(n.Latitude), Num(n.Longitude), n.CapacityUnits?.ToString(CultureInfo.InvariantCulture), Bool(n.ReceiveEnabled), Bool(n.ShipEnabled));
        }

        w.Write("[products]\n");
        foreach (var p in snapshot.Products)
        {
            Row(w, p.Sku, p.Style, p.Size, Int(p.SizeOrder), p.Category, Num(p.UnitCost), Num(p.UnitPrice), p.Lifecycle.ToString().ToLowerInvariant(), p.SeasonEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        w.Write("[inventory]\n");
        var inventory = snapshot.Inventory;
        for (var r = 0; r < inventory.Count; r++)
        {
            var weekly = inventory.WeeklyDemand[r];
            Row(w, snapshot.Nodes[inventory.Node[r]].Id, snapshot.Products[inventory.Sku[r]].Sku, Int(inventory.OnHand[r]), Int(inventory.InTransit[r]), Int(inventory.Reserved[r]), Num(inventory.Sales4w[r]), double.IsNaN(weekly) ? null : Num(weekly));
        }

        w.Write("[freight]\n");
        foreach (var f in snapshot.Freight)
        {
            Row(w, f.FromNode, f.ToNode, f.FromCluster, f.ToCluster, Num(f.CostPerUnit), Num(f.CostPerShipment), f.TransitDays?.ToString(CultureInfo.InvariantCulture));
        }

        w.Write("[recent_moves]\n");
        foreach (var m in snapshot.RecentMoves)
        {
            Row(w, m.Sku, m.FromNode, m.ToNode, Int(m.Quantity), Instant(m.AppliedAt));
        }

        w.Write("[policy]\n");
        w.Write(policy.ToCanonicalJson());
        w.Write('\n');
    }

    private static void Line(TextWriter w, string key, string? value)
    {
        w.Write(key);
        w.Write('=');
        w.Write(Escape(value));
        w.Write('\n');
    }

    private static void Row(TextWriter w, params string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                w.Write('|');
            }

            w.Write(Escape(fields[i]));
        }

        w.Write('\n');
    }

    /// <summary>Backslash, bar and line breaks are escaped so fields never run into each other.</summary>
    private static string Escape(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        return value.AsSpan().IndexOfAny("\\|\n\r") < 0
            ? value
            : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\p", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Num(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static string Money(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A text writer that feeds SHA-256 as it goes, so hashing ten million rows holds no text in memory.</summary>
    private sealed class HashingWriter : TextWriter
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly char[] chars = new char[1 << 15];
        private readonly byte[] bytes = new byte[(1 << 15) * 3];
        private int count;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (count == chars.Length)
            {
                Flush();
            }

            chars[count++] = value;
        }

        public override void Write(string? value)
        {
            if (value is null)
            {
                return;
            }

            var span = value.AsSpan();
            while (!span.IsEmpty)
            {
                if (count == chars.Length)
                {
                    Flush();
                }

                var take = Math.Min(span.Length, chars.Length - count);
                span[..take].CopyTo(chars.AsSpan(count));
                count += take;
                span = span[take..];
            }
        }

        public override void Flush()
        {
            // A surrogate pair split across flushes would encode differently; keep a trailing high surrogate.
            var keep = count > 0 && char.IsHighSurrogate(chars[count - 1]) ? 1 : 0;
            var n = Encoding.UTF8.GetBytes(chars, 0, count - keep, bytes, 0);
            hash.AppendData(bytes, 0, n);
            if (keep == 1)
            {
                chars[0] = chars[count - 1];
            }

            count = keep;
        }

        public string Finish()
        {
            Flush();
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

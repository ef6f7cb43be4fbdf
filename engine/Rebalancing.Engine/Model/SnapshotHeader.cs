namespace Rebalancing.Engine.Model;

/// <summary>The contents of <c>snapshot.json</c>.</summary>
/// <param name="OrgId">Organisation the snapshot belongs to.</param>
/// <param name="AsOf">The instant the inventory was counted (UTC); every time rule is measured from it.</param>
/// <param name="Currency">ISO 4217 code for display, or <see langword="null"/>.</param>
/// <param name="SnapshotId">The caller's id, or <see langword="null"/> (the content hash then names the snapshot).</param>
public sealed record SnapshotHeader(string OrgId, DateTimeOffset AsOf, string? Currency, string? SnapshotId);

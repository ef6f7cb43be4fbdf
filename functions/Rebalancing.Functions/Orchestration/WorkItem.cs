using System.Text.Json;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Orchestration;

/// <summary>What a work-queue message asks for.</summary>
internal enum WorkKind
{
    /// <summary>Run an activity of a run.</summary>
    Activity,

    /// <summary>A durable timer (a delayed message; re-sent until it is due).</summary>
    Timer,

    /// <summary>Process the run's inbox of external events.</summary>
    Inbox,
}

/// <summary>A work-queue message of the orchestration.</summary>
internal sealed record WorkItem(WorkKind Kind, string RunId, RunStep? Step = null, string? Cluster = null, DateTimeOffset? DueAt = null)
{
    public static WorkItem Activity(string runId, RunStep step, string? cluster = null) => new(WorkKind.Activity, runId, step, cluster);

    public static WorkItem Timer(string runId, DateTimeOffset dueAt) => new(WorkKind.Timer, runId, DueAt: dueAt);

    public static WorkItem Inbox(string runId) => new(WorkKind.Inbox, runId);

    public string ToJson() => JsonSerializer.Serialize(this, StorageJson.Options);

    /// <summary>The item, or null for a message that is not one (it is dropped).</summary>
    public static WorkItem? Parse(string text)
    {
        try
        {
            var item = JsonSerializer.Deserialize<WorkItem>(text, StorageJson.Options);
            return item is { RunId.Length: > 0 } && (item.Kind != WorkKind.Activity || item.Step is not null) && (item.Kind != WorkKind.Timer || item.DueAt is not null) ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

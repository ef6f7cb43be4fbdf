using System.Text.Json;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>One decision as recorded: its order in the run, the decision, the approver's level as judged, and when.</summary>
internal sealed record RecordedDecision(int Sequence, ApprovalDecision Decision, bool Elevated, DateTimeOffset At);

/// <summary>
/// The decisions of a run, in the order the orchestration took them, and what they make of each move: the first
/// decision whose scope covers a move, and whose approver may decide it, decides it. Decisions are a handful of
/// documents whatever the plan's size; move statuses are worked out from them, never stored per move.
/// </summary>
internal sealed class DecisionBook
{
    private readonly List<(RecordedDecision Recorded, HashSet<string>? MoveIds)> decisions;

    public DecisionBook(IEnumerable<RecordedDecision> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        decisions = [.. recorded
            .OrderBy(d => d.Sequence)
            .ThenBy(d => d.Decision.EventId, StringComparer.Ordinal)
            .Select(d => (d, d.Decision.Scope.MoveIds is { } ids ? new HashSet<string>(ids, StringComparer.Ordinal) : null))];
    }

    public IReadOnlyList<RecordedDecision> All => [.. decisions.Select(d => d.Recorded)];

    public RecordedDecision? Find(string eventId) =>
        decisions.Select(d => d.Recorded).FirstOrDefault(d => string.Equals(d.Decision.EventId, eventId, StringComparison.Ordinal));

    /// <summary>The decision that decides <paramref name="move"/>, or null while it is undecided.</summary>
    public RecordedDecision? DecidedBy(MoveRef move)
    {
        ArgumentNullException.ThrowIfNull(move);
        foreach (var (recorded, ids) in decisions)
        {
            if (Covers(recorded.Decision.Scope, ids, move) && (!move.Elevated || recorded.Elevated))
            {
                return recorded;
            }
        }

        return null;
    }

    public MoveStatus StatusOf(MoveRef move) => DecidedBy(move)?.Decision.Decision switch
    {
        DecisionKind.Approve => MoveStatus.Approved,
        DecisionKind.Reject => MoveStatus.Rejected,
        _ => MoveStatus.Proposed,
    };

    /// <summary>How many moves the decision with <paramref name="eventId"/> decided.</summary>
    public int DecidedBy(IReadOnlyList<MoveRef> moves, string eventId) =>
        moves.Count(m => DecidedBy(m) is { } d && string.Equals(d.Decision.EventId, eventId, StringComparison.Ordinal));

    public DecisionTally Tally(IReadOnlyList<MoveRef> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        int approved = 0, rejected = 0;
        foreach (var move in moves)
        {
            switch (StatusOf(move))
            {
                case MoveStatus.Approved:
                    approved++;
                    break;
                case MoveStatus.Rejected:
                    rejected++;
                    break;
            }
        }

        return new DecisionTally(decisions.Count, moves.Count - approved - rejected, approved, rejected);
    }

    /// <summary>
    /// True when a decision with this scope, by an approver of this level, would decide at least one move that is
    /// still undecided. A decision that could decide nothing is refused before it is raised (and its link stays unused).
    /// </summary>
    public bool WouldDecideAny(IReadOnlyList<MoveRef> moves, ApprovalScope scope, bool elevated)
    {
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(scope);
        var ids = scope.MoveIds is { } list ? new HashSet<string>(list, StringComparer.Ordinal) : null;
        return moves.Any(m => Covers(scope, ids, m) && (!m.Elevated || elevated) && DecidedBy(m) is null);
    }

    private static bool Covers(ApprovalScope scope, HashSet<string>? ids, MoveRef move) =>
        (scope.Clusters is null || scope.Clusters.Contains(move.FromCluster, StringComparer.Ordinal) || scope.Clusters.Contains(move.ToCluster, StringComparer.Ordinal))
        && (scope.Passes is null || scope.Passes.Contains(move.Pass))
        && (ids is null || ids.Contains(move.MoveId));
}

/// <summary>Where decisions are kept: one document per decision in the run's partition (<c>decision:{eventId}</c>).</summary>
internal static class Decisions
{
    private const string KeyPrefix = "decision:";

    public static async Task<DecisionBook> ReadAsync(IRunStore runs, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var results = await runs.ListWorkResultsAsync(runId, cancellationToken).ConfigureAwait(false);
        return new DecisionBook(results
            .Where(r => r.Key.StartsWith(KeyPrefix, StringComparison.Ordinal))
            .Select(r => r.Body.Deserialize<RecordedDecision>(StorageJson.Options)!));
    }

    /// <summary>Stores a decision once (create-if-absent by event id): a repeat returns the one stored first.</summary>
    public static async Task<RecordedDecision> AddAsync(IRunStore runs, string runId, RecordedDecision decision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(decision);
        var created = await runs.AddWorkResultAsync(
            new WorkResult(runId, KeyPrefix + decision.Decision.EventId, JsonSerializer.SerializeToElement(decision, StorageJson.Options), now),
            cancellationToken).ConfigureAwait(false);
        return created.Stored.Value.Body.Deserialize<RecordedDecision>(StorageJson.Options)!;
    }

    /// <summary>An approver is elevated when the link (or the API caller) vouches for it, or the run lists them as elevated.</summary>
    public static bool IsElevated(RunInput run, ApprovalDecision decision)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Elevated || run.Approvers.Any(a => a.Elevated && string.Equals(a.Id, decision.ApproverId, StringComparison.Ordinal));
    }
}

using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Rebalancing.Engine.Policies;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Rebalances;

/// <summary>What a caller asks for when starting a run.</summary>
internal sealed record StartRunRequest(string? SnapshotId = null, string? PolicyJson = null, IReadOnlyList<Approver>? Approvers = null);

/// <summary>How a start ended.</summary>
internal enum StartRunOutcome
{
    Created,
    Existing,
    SnapshotNotFound,
    Invalid,
}

/// <summary>The answer to a start: the new run, or the org's active run, or why not.</summary>
internal sealed record StartRunResult(StartRunOutcome Outcome, string? RunId, IReadOnlyList<PathError> Problems);

/// <summary>How raising an event to a run ended.</summary>
internal enum RaiseEventOutcome
{
    Accepted,
    Duplicate,
    UnknownRun,
    RunFinished,
    Invalid,
}

/// <summary>The answer to raising an event.</summary>
internal sealed record RaiseEventResult(RaiseEventOutcome Outcome, string? Problem = null, string? Path = null);

/// <summary>Which moves to list.</summary>
internal sealed record MoveFilter(int? Pass, string? Cluster, MoveStatus? Status)
{
    /// <summary>Every move.</summary>
    public static MoveFilter None { get; } = new(null, null, null);

    /// <summary>
    /// The filter of a continued query: <paramref name="issued"/>, when every field this one names is the same there
    /// (a field left out is the token's); null when one differs.
    /// </summary>
    public MoveFilter? Within(MoveFilter issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return (Pass is null || Pass == issued.Pass) && (Cluster is null || Cluster == issued.Cluster) && (Status is null || Status == issued.Status)
            ? issued
            : null;
    }

    public bool Matches(RunMove move) =>
        (Pass is null || move.Move.Pass == Pass)
        && (Cluster is null || move.Move.FromCluster == Cluster || move.Move.ToCluster == Cluster)
        && (Status is null || move.Status == Status);
}

/// <summary>A continuation token this API did not issue, or one issued for another filter.</summary>
internal sealed class ContinuationTokenException(string reason) : ArgumentException("continuationToken: " + reason, "continuationToken")
{
    public string Reason => reason;
}

/// <summary>One page of moves, and the token of the next page when there is one.</summary>
internal sealed record MovesPage(IReadOnlyList<RunMove> Moves, string? ContinuationToken);

/// <summary>
/// The application service behind the HTTP and timer functions: starts runs (one active run per org), reads them
/// (the run document and the orchestration's status), lists their moves page by page from Blob storage, and raises
/// their events. The Durable client comes from the function's binding, so each call takes it.
/// </summary>
internal sealed class RebalanceRuns(StorageServices stores, RunFiles files, TimeProvider time)
{
    /// <summary>Most approvers one run may name: every approver gets a link, an email and an event.</summary>
    public const int MaxApprovers = 50;

    /// <summary>Most moves one page may hold.</summary>
    public const int MaxPageSize = 10_000;

    /// <summary>A run document whose orchestration never started (its starter died) is given up after this.</summary>
    private static readonly TimeSpan NeverStartedAfter = TimeSpan.FromMinutes(2);

    public async Task<StartRunResult> StartAsync(DurableTaskClient client, string orgId, StartRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var problems = Validate(orgId, request);
        if (problems.Count > 0)
        {
            return new(StartRunOutcome.Invalid, null, problems);
        }

        var snapshot = request.SnapshotId is null
            ? await stores.Snapshots.GetLatestAsync(orgId, cancellationToken).ConfigureAwait(false)
            : await stores.Snapshots.GetMetadataAsync(orgId, request.SnapshotId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return new(StartRunOutcome.SnapshotNotFound, null,
                [new PathError(request.SnapshotId is null ? "orgId" : "snapshotId", request.SnapshotId is null ? $"org '{orgId}' has no snapshot" : $"snapshot '{request.SnapshotId}' not found")]);
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var runId = NewRunId();
            var claim = await stores.Runs.ClaimActiveRunAsync(orgId, runId, cancellationToken).ConfigureAwait(false);
            if (claim.Claimed)
            {
                var input = new RunInput(runId, orgId, snapshot.SnapshotId, request.PolicyJson, request.Approvers ?? []);
                await BeginAsync(client, input, cancellationToken).ConfigureAwait(false);
                return new(StartRunOutcome.Created, runId, []);
            }

            if (!await IsStaleAsync(client, claim.ActiveRunId, cancellationToken).ConfigureAwait(false))
            {
                return new(StartRunOutcome.Existing, claim.ActiveRunId, []);
            }

            await stores.Runs.ReleaseActiveRunAsync(orgId, claim.ActiveRunId, cancellationToken).ConfigureAwait(false);
        }

        throw new ConcurrencyConflictException($"org '{orgId}' kept changing its active run");
    }

    /// <summary>
    /// Schedules the orchestration of a run whose record exists but whose orchestration does not (the local host's
    /// embedded backend keeps orchestrations in memory: after a restart, runs in flight are resumed this way; every
    /// step finds its stored result, so nothing is planned, notified or applied twice).
    /// </summary>
    public async Task<bool> ResumeAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var record = await GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null || record.IsFinished || await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(RebalanceOrchestrator), record.Input, new StartOrchestrationOptions(runId), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<RunView?> GetAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var record = await GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        var progress = instance?.SerializedCustomStatus is { Length: > 0 } ? instance.ReadCustomStatusAs<RunProgress>() : null;
        var clusters = progress?.Clusters is { Count: > 0 } known ? known
            : [.. (record.Context?.Clusters ?? []).Select(c => new ClusterProgress(c, record.Status > RunStatus.Pass2 && record.Status != RunStatus.Failed && record.Status != RunStatus.Cancelled ? "done" : "pending"))];
        if (record.IsFinished || instance is null)
        {
            return new RunView(record, record.Status, clusters, record.UpdatedAt, record.Error);
        }

        var updatedAt = instance.LastUpdatedAt > record.UpdatedAt ? instance.LastUpdatedAt : record.UpdatedAt;
        return instance.RuntimeStatus switch
        {
            // The orchestration itself broke (not a step: those end through FinishRun).
            OrchestrationRuntimeStatus.Failed => new RunView(record, RunStatus.Failed, clusters, updatedAt,
                new RunError("orchestration", null, instance.FailureDetails?.ErrorMessage ?? "the orchestration failed")),
            OrchestrationRuntimeStatus.Terminated => new RunView(record, RunStatus.Cancelled, clusters, updatedAt, null),
            _ => new RunView(record, progress?.Status ?? record.Status, clusters, updatedAt, null),
        };
    }

    public async Task<StoredPlan?> GetPlanAsync(string runId, CancellationToken cancellationToken) =>
        Ids.IsValid(runId) ? await files.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>
    /// A page of the run's moves with their status; null when there is no such run. A continuation token carries its
    /// query (filter and page size), so the next page needs only the token: a filter the request names must be the
    /// token's (else <see cref="ContinuationTokenException"/>), and a page size it names wins over the token's.
    /// </summary>
    public async Task<MovesPage?> ListMovesAsync(string runId, MoveFilter filter, int? pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var position = PageToken.Read(continuationToken);
        if (position is not null)
        {
            filter = filter.Within(position.Filter)
                ?? throw new ContinuationTokenException("issued for another pass, cluster or status");
        }

        var size = pageSize ?? position?.PageSize ?? RunFiles.PageSize;
        var record = await GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var plan = await files.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return new MovesPage([], null);
        }

        var (page, offset) = position is null ? (0, 0) : (position.Page, position.Offset);
        var book = await Decisions.ReadAsync(stores.Runs, runId, cancellationToken).ConfigureAwait(false);
        var applied = record.Status == RunStatus.Applied;
        var found = new List<RunMove>(Math.Min(size, RunFiles.PageSize));
        for (; page < plan.Pages; page++, offset = 0)
        {
            var moves = await files.GetPageAsync(runId, page, cancellationToken).ConfigureAwait(false);
            for (; offset < moves.Count; offset++)
            {
                var status = book.StatusOf(moves[offset].Ref);
                var move = new RunMove(moves[offset], applied && status == MoveStatus.Approved ? MoveStatus.Applied : status);
                if (!filter.Matches(move))
                {
                    continue;
                }

                if (found.Count == size)
                {
                    return new MovesPage(found, PageToken.Write(new PagePosition(page, offset, filter, size)));
                }

                found.Add(move);
            }
        }

        return new MovesPage(found, null);
    }

    /// <summary>Moves <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> of the plan, with their status (the pages of the report and the approval page).</summary>
    public Task<MovesPage?> ListMovesAsync(string runId, int skip, int take, CancellationToken cancellationToken) =>
        ListMovesAsync(runId, MoveFilter.None, take, PageToken.Write(new PagePosition(skip / RunFiles.PageSize, skip % RunFiles.PageSize, MoveFilter.None, take)), cancellationToken);

    /// <summary>
    /// Raises an approval. Once the plan is proposed, a decision that could decide no move (its scope matches none
    /// the approver may still decide) is refused, and so is an event id already recorded; before that the runtime
    /// keeps the event until the run waits for it.
    /// </summary>
    public async Task<RaiseEventResult> RaiseApprovalAsync(DurableTaskClient client, string runId, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        var check = await CheckApprovalAsync(client, runId, decision, cancellationToken).ConfigureAwait(false);
        if (check.Outcome == RaiseEventOutcome.Accepted)
        {
            await RaiseCheckedApprovalAsync(client, runId, decision, cancellationToken).ConfigureAwait(false);
        }

        return check;
    }

    /// <summary>
    /// What <see cref="RaiseApprovalAsync"/> would answer, raising nothing: <see cref="RaiseEventOutcome.Accepted"/>
    /// when the decision may be raised. The approval page claims its link between the check and the raise, so only
    /// the request that claims it raises a decision.
    /// </summary>
    public async Task<RaiseEventResult> CheckApprovalAsync(DurableTaskClient client, string runId, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var run = await GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new(RaiseEventOutcome.UnknownRun);
        }

        if (run.IsFinished)
        {
            return new(RaiseEventOutcome.RunFinished);
        }

        if (run.Status is RunStatus.AwaitingApproval or RunStatus.Applying)
        {
            // A decision replayed while the approved moves are applied changes nothing, and says so as it did before.
            var book = await Decisions.ReadAsync(stores.Runs, runId, cancellationToken).ConfigureAwait(false);
            if (book.Find(decision.EventId) is not null)
            {
                return new(RaiseEventOutcome.Duplicate);
            }

            if (run.Status == RunStatus.Applying)
            {
                return new(RaiseEventOutcome.RunFinished);
            }

            var refs = await files.GetRefsAsync(runId, cancellationToken).ConfigureAwait(false);
            if (!book.WouldDecideAny(refs, decision.Scope, Decisions.IsElevated(run.Input, decision)))
            {
                return new(RaiseEventOutcome.Invalid, "The scope matches no move that this approver may still decide (elevated moves need an elevated approver).", "scope");
            }
        }

        return new(RaiseEventOutcome.Accepted);
    }

    /// <summary>Raises a decision <see cref="CheckApprovalAsync"/> accepted (the orchestrator ignores an event id it has recorded).</summary>
    public static Task RaiseCheckedApprovalAsync(DurableTaskClient client, string runId, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.RaiseEventAsync(runId, RebalanceOrchestrator.ApprovalEvent, decision, cancellationToken);
    }

    public async Task<RaiseEventResult> CancelAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        var run = await GetAsync(client, runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new(RaiseEventOutcome.UnknownRun);
        }

        if (!run.Status.IsCancellable())
        {
            return new(RaiseEventOutcome.RunFinished);
        }

        await client.RaiseEventAsync(runId, RebalanceOrchestrator.CancelEvent, new CancelRequest("requested through the API"), cancellationToken).ConfigureAwait(false);
        return new(RaiseEventOutcome.Accepted);
    }

    public async Task<string?> GetActiveRunIdAsync(string orgId, CancellationToken cancellationToken) =>
        Ids.IsValid(orgId) ? await stores.Runs.GetActiveRunAsync(orgId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>The run's record, or null when there is no such run.</summary>
    public async Task<RunRecord?> GetRecordAsync(string runId, CancellationToken cancellationToken)
    {
        if (!Ids.IsValid(runId))
        {
            return null;
        }

        var document = await stores.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : RunRecord.FromDocument(document.Value);
    }

    private async Task BeginAsync(DurableTaskClient client, RunInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await stores.Runs.CreateAsync(new RunRecord(input.RunId, input.OrgId, RunStatus.Pending, input, now, now).ToDocument(), cancellationToken).ConfigureAwait(false);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(RebalanceOrchestrator), input, new StartOrchestrationOptions(input.RunId), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await GiveUpAsync(input.RunId, "the orchestration could not be started", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>True when the org's claimed run holds the claim for nothing: it finished, or it never started.</summary>
    private async Task<bool> IsStaleAsync(DurableTaskClient client, string runId, CancellationToken cancellationToken)
    {
        var record = await GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false; // its starter is creating it right now
        }

        if (record.IsFinished)
        {
            return true;
        }

        if (time.GetUtcNow() - record.CreatedAt > NeverStartedAfter && await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) is null)
        {
            await GiveUpAsync(runId, "the orchestration never started", cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task GiveUpAsync(string runId, string reason, CancellationToken cancellationToken)
    {
        var current = await stores.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return;
        }

        var record = RunRecord.FromDocument(current.Value);
        var failed = record with { Status = RunStatus.Failed, Error = new RunError("start", null, reason), UpdatedAt = time.GetUtcNow() };
        await stores.Runs.ReplaceAsync(failed.ToDocument(), current.ETag, cancellationToken).ConfigureAwait(false);
        await stores.Runs.ReleaseActiveRunAsync(record.OrgId, runId, cancellationToken).ConfigureAwait(false);
    }

    private string NewRunId() =>
        "run-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private static List<PathError> Validate(string orgId, StartRunRequest request)
    {
        var problems = new List<PathError>();
        if (!Ids.IsValid(orgId))
        {
            problems.Add(new PathError("orgId", "must be 1-200 letters, digits, '-', '_', '.' or ':'"));
        }

        if (request.SnapshotId is not null && !Ids.IsValid(request.SnapshotId))
        {
            problems.Add(new PathError("snapshotId", "must be 1-200 letters, digits, '-', '_', '.' or ':'"));
        }

        if (request.PolicyJson is not null && PolicyReader.Read(request.PolicyJson) is { IsSuccess: false } policy)
        {
            problems.AddRange(policy.Problems.Select(p => new PathError("policy" + PolicyPath(p.ToString()), p.ToString())));
        }

        var approvers = request.Approvers ?? [];
        if (approvers.Count > MaxApprovers)
        {
            problems.Add(new PathError("approvers", $"at most {MaxApprovers} approvers per run ({approvers.Count} given)"));
            return problems;
        }

        for (var i = 0; i < approvers.Count; i++)
        {
            var approver = approvers[i];
            if (!Ids.IsValid(approver.Id))
            {
                problems.Add(new PathError($"approvers[{i}].id", "required: 1-200 letters, digits, '-', '_', '.' or ':'"));
            }

            if (approver.Email is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)))
            {
                problems.Add(new PathError($"approvers[{i}].email", "not an email address"));
            }
        }

        if (approvers.GroupBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            problems.Add(new PathError("approvers", $"approver '{duplicate.Key}' is listed twice"));
        }

        return problems;
    }

    /// <summary>The JSON path inside the policy that a policy problem names (<c>policy: $.pass1.min_push_units: …</c>).</summary>
    private static string PolicyPath(string problem)
    {
        var start = problem.IndexOf('$', StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var end = problem.IndexOf(':', start);
        return end < 0 ? "" : problem[(start + 1)..end];
    }

    /// <summary>An opaque continuation token: the stored page and the offset in it where the next page starts.</summary>
    /// <summary>Where the next page starts, and the query it belongs to.</summary>
    private sealed record PagePosition(int Page, int Offset, MoveFilter Filter, int PageSize);

    /// <summary>An opaque continuation token: base64url of the position as JSON, versioned.</summary>
    private static class PageToken
    {
        private const string Version = "v2";

        public static string Write(PagePosition position) =>
            Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new TokenBody(Version, position), StorageJson.Options));

        public static PagePosition? Read(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            try
            {
                var body = JsonSerializer.Deserialize<TokenBody>(Base64Url.DecodeFromChars(token), StorageJson.Options);
                return body is { V: Version, At: { Page: >= 0, Offset: >= 0, PageSize: >= 1 and <= MaxPageSize, Filter: not null } at }
                    ? at
                    : throw new FormatException("not a continuation token");
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                throw new ContinuationTokenException("not a token this API issued");
            }
        }

        private sealed record TokenBody(string V, PagePosition At);
    }
}

using System.Text.Json;
using Rebalancing.Functions.Application;
using Rebalancing.Functions.Rebalances;
using Rebalancing.Functions.Storage;
using Microsoft.Extensions.Options;

namespace Rebalancing.Functions.Approval;

/// <summary>An issued approval link as stored (the token is not stored: it is re-signed from these claims).</summary>
internal sealed record IssuedLink(string ApproverId, string? Email, bool Elevated, string Nonce, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>The record of a link's single use.</summary>
/// <param name="Event">
/// The decision the use raises: recorded before it is raised, so a request that fails between the two is healed by
/// the next post of the link (null in uses recorded before the event was kept).
/// </param>
internal sealed record LinkUse(string Nonce, string ApproverId, string Decision, string Scope, string? Comment, DateTimeOffset UsedAt, ApprovalDecision? Event = null);

/// <summary>
/// An approval request as the API lists it: metadata only. A link is a bearer credential (elevated links decide
/// elevated moves), so it is shown once, when it is issued, and never listed.
/// </summary>
internal sealed record ApprovalLinkView(string ApproverId, bool Elevated, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);

/// <summary>
/// Issues approval links and records their single use, as create-if-absent documents in the run's partition
/// (<see cref="IRunStore.AddWorkResultAsync"/> keys <c>approval-link:{nonce}</c> and <c>approval-used:{nonce}</c>):
/// the first use wins on every backend, with no read-modify-write.
/// </summary>
internal sealed class ApprovalLinks(IRunStore runs, ApprovalTokens tokens, IOptions<RebalancingOptions> options, TimeProvider time)
{
    private const string LinkPrefix = "approval-link:";
    private const string UsePrefix = "approval-used:";

    public async Task<(Uri Url, DateTimeOffset ExpiresAt)> IssueAsync(string runId, string approverId, string? email, bool elevated, Uri baseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var link = new IssuedLink(approverId, email, elevated, ApprovalTokens.NewNonce(), now, now + options.Value.ApprovalLinkLifetime);
        await runs.AddWorkResultAsync(new WorkResult(runId, LinkPrefix + link.Nonce, JsonSerializer.SerializeToElement(link, StorageJson.Options), now), cancellationToken).ConfigureAwait(false);
        return (UrlOf(runId, link, baseUrl), link.ExpiresAt);
    }

    /// <summary>The latest link of each approver, with its use.</summary>
    public async Task<IReadOnlyList<ApprovalLinkView>> ListAsync(string runId, CancellationToken cancellationToken)
    {
        var results = await runs.ListWorkResultsAsync(runId, cancellationToken).ConfigureAwait(false);
        var uses = results.Where(r => r.Key.StartsWith(UsePrefix, StringComparison.Ordinal))
            .Select(r => r.Body.Deserialize<LinkUse>(StorageJson.Options)!)
            .ToDictionary(u => u.Nonce, StringComparer.Ordinal);
        return [.. results.Where(r => r.Key.StartsWith(LinkPrefix, StringComparison.Ordinal))
            .Select(r => r.Body.Deserialize<IssuedLink>(StorageJson.Options)!)
            .GroupBy(l => l.ApproverId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(l => l.IssuedAt).ThenBy(l => l.Nonce, StringComparer.Ordinal).Last())
            .OrderBy(l => l.ApproverId, StringComparer.Ordinal)
            .Select(l => new ApprovalLinkView(l.ApproverId, l.Elevated, l.ExpiresAt, uses.GetValueOrDefault(l.Nonce)?.UsedAt))];
    }

    /// <summary>Whether the run issued a link with this nonce to this approver at this level (a token for another run is not).</summary>
    public async Task<bool> WasIssuedAsync(ApprovalClaims claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var link = await ReadAsync<IssuedLink>(claims.RunId, LinkPrefix + claims.Nonce, cancellationToken).ConfigureAwait(false);
        return link is not null && link.ApproverId == claims.ApproverId && link.Elevated == claims.Elevated;
    }

    public Task<LinkUse?> GetUseAsync(string runId, string nonce, CancellationToken cancellationToken) =>
        ReadAsync<LinkUse>(runId, UsePrefix + nonce, cancellationToken);

    /// <summary>Records the link's use; false (nothing written) when it was used before.</summary>
    public async Task<bool> RecordUseAsync(string runId, LinkUse use, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(use);
        var created = await runs.AddWorkResultAsync(new WorkResult(runId, UsePrefix + use.Nonce, JsonSerializer.SerializeToElement(use, StorageJson.Options), use.UsedAt), cancellationToken).ConfigureAwait(false);
        return created.Created;
    }

    private Uri UrlOf(string runId, IssuedLink link, Uri baseUrl) =>
        new(baseUrl, "approve/" + tokens.Sign(new ApprovalClaims(runId, link.ApproverId, link.Elevated, link.Nonce, link.ExpiresAt)));

    private async Task<T?> ReadAsync<T>(string runId, string key, CancellationToken cancellationToken) where T : class
    {
        var results = await runs.ListWorkResultsAsync(runId, cancellationToken).ConfigureAwait(false);
        return results.FirstOrDefault(r => r.Key == key)?.Body.Deserialize<T>(StorageJson.Options);
    }
}

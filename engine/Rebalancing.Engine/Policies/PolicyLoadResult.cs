using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Rebalancing.Engine.Policies;

/// <summary>What <see cref="PolicyReader"/> returns: a <see cref="Policies.Policy"/>, or every problem found.</summary>
public sealed class PolicyLoadResult
{
    private PolicyLoadResult(Policy? policy, ImmutableArray<PolicyProblem> problems)
    {
        Policy = policy;
        Problems = problems;
    }

    /// <summary>The policy, when the document was valid.</summary>
    public Policy? Policy { get; }

    /// <summary>Every problem found, in document order then cross-key checks; empty on success.</summary>
    public ImmutableArray<PolicyProblem> Problems { get; }

    /// <summary>Whether the document was valid, so that <see cref="Policy"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Policy))]
    public bool IsSuccess => Policy is not null;

    /// <summary>A successful result.</summary>
    /// <param name="policy">The policy read.</param>
    /// <returns>The result carrying <paramref name="policy"/>.</returns>
    public static PolicyLoadResult Success(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyLoadResult(policy, []);
    }

    /// <summary>A failed result.</summary>
    /// <param name="problems">The problems; at least one.</param>
    /// <returns>The result carrying <paramref name="problems"/>.</returns>
    public static PolicyLoadResult Failure(IEnumerable<PolicyProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ImmutableArray<PolicyProblem> list = [.. problems];
        if (list.IsEmpty)
        {
            throw new ArgumentException("A failed policy result needs at least one problem.", nameof(problems));
        }

        return new PolicyLoadResult(null, list);
    }
}

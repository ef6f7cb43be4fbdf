using Rebalancing.Engine.Policies;

namespace Rebalancing.Engine.Tests.Policies;

internal static class PolicyTestHelpers
{
    /// <summary>Reads a policy that must be valid; fails the test with every problem otherwise.</summary>
    public static Policy Valid(string json)
    {
        var result = PolicyReader.Read(json);
        Assert.True(result.IsSuccess, string.Join(Environment.NewLine, result.Problems));
        return result.Policy;
    }

    /// <summary>Reads a policy that must be invalid and returns its problems.</summary>
    public static IReadOnlyList<PolicyProblem> Problems(string json)
    {
        var result = PolicyReader.Read(json);
        Assert.False(result.IsSuccess, "expected the policy to be invalid");
        Assert.Null(result.Policy);
        Assert.NotEmpty(result.Problems);
        return result.Problems;
    }

    /// <summary>The single problem of an invalid policy.</summary>
    public static PolicyProblem SingleProblem(string json) => Assert.Single(Problems(json));

    /// <summary>Single quotes become double quotes, so JSON reads well inside C# strings.</summary>
    public static string Json(string singleQuoted) => singleQuoted.Replace('\'', '"');
}

using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Tests.Storage;

public sealed class StorageIdsTests
{
    [Theory]
    [InlineData("org-1")]
    [InlineData("run_2026.03:a")]
    public void Check_PathSafeId_IsAccepted(string id)
    {
        Assert.Equal(id, StorageIds.Check(id, nameof(id)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a b")]
    public void Check_IdThatCouldEscapeItsPathOrDocument_IsRejected(string id)
    {
        Assert.ThrowsAny<ArgumentException>(() => StorageIds.Check(id, nameof(id)));
    }
}

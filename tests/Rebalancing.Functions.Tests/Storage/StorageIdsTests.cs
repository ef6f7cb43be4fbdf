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

public sealed class QueueNameTests
{
    [Theory]
    [InlineData("rebalancing-work")]
    [InlineData("rebalancing-work-poison")]
    [InlineData("abc")]
    public void CheckQueueName_ValidName_IsAccepted(string name)
    {
        Assert.Equal(name, WorkQueueLimits.CheckQueueName(name));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Work")]
    [InlineData("-work")]
    [InlineData("work-")]
    [InlineData("wo--rk")]
    [InlineData("work_items")]
    public void CheckQueueName_NameAzureWouldRefuse_IsRejected(string name)
    {
        Assert.Throws<ArgumentException>(() => WorkQueueLimits.CheckQueueName(name));
    }

    [Fact]
    public void CheckQueueName_TooLongToTakeThePoisonSuffix_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => WorkQueueLimits.CheckQueueName(new string('a', 57)));
    }
}

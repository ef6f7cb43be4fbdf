using Rebalancing.Functions.Storage.Azure;

namespace Rebalancing.Functions.Tests.Storage.Azure;

public sealed class StorageConnectionStringTests
{
    [Fact]
    public void Parse_UseDevelopmentStorage_GivesAzuritesWellKnownAccountAndPorts()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(StorageConnectionString.DevelopmentAccountKey, parsed.AccountKey);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Parse_AccountConnectionString_DerivesTheEndpointsFromTheSuffix()
    {
        var parsed = StorageConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net");

        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_AreUsedAsGiven()
    {
        var parsed = StorageConnectionString.Parse("AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:5/devstoreaccount1;QueueEndpoint=http://127.0.0.1:6/devstoreaccount1");

        Assert.Equal(5, parsed.BlobEndpoint.Port);
        Assert.Equal(6, parsed.QueueEndpoint.Port);
    }

    [Fact]
    public void Parse_WithoutAccountKey_FailsNamingTheMissingPart()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse("AccountName=acct"));

        Assert.Contains("AccountKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.DoesNotContain(parsed.AccountKey, parsed.ToString(), StringComparison.Ordinal);
    }
}

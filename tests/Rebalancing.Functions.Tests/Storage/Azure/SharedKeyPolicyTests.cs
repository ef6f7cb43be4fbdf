using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Rebalancing.Functions.Storage.Azure;
using Rebalancing.Functions.Tests.Harness;

namespace Rebalancing.Functions.Tests.Storage.Azure;

public sealed class SharedKeyPolicyTests
{
    private const string Account = StorageConnectionString.DevelopmentAccountName;
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static (SharedKeyPolicy Policy, HttpMessage Message) Build(RequestMethod method, string uri)
    {
        var policy = new SharedKeyPolicy(Account, StorageConnectionString.DevelopmentAccountKey, new ManualTimeProvider(At));
        var message = HttpPipelineBuilder.Build(new StorageRestOptions()).CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(uri));
        message.Request.Headers.SetValue("x-ms-version", StorageRestPipeline.ServiceVersion);
        return (policy, message);
    }

    /// <summary>HMAC-SHA256 with the account key, base64: computed here independently of the policy.</summary>
    private static string ExpectedSignature(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey), Encoding.UTF8.GetBytes(stringToSign)));

    [Fact]
    public void Sign_CreateOnlyBlobPut_MatchesTheDocumentedStringToSign()
    {
        var (policy, message) = Build(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/snapshots/org-1/abc.zip");
        message.Request.Content = RequestContent.Create(new byte[] { 1, 2, 3 });
        message.Request.Headers.SetValue("Content-Type", "application/zip");
        message.Request.Headers.SetValue("If-None-Match", "*");
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");

        policy.OnSendingRequest(message);

        // VERB, Content-Encoding, -Language, -Length, -MD5, -Type, Date, If-Modified-Since, If-Match,
        // If-None-Match, If-Unmodified-Since, Range, then x-ms-* headers sorted, then the resource
        // (account name, then the path, which in path-style URLs starts with the account again).
        const string expected =
            "PUT\n\n\n3\n\napplication/zip\n\n\n\n*\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 01 Mar 2026 08:00:00 GMT\nx-ms-version:2021-08-06\n" +
            "/devstoreaccount1/devstoreaccount1/snapshots/org-1/abc.zip";
        Assert.Equal(expected, policy.StringToSign(message.Request));
        Assert.True(message.Request.Headers.TryGetValue("Authorization", out var authorization));
        Assert.Equal($"SharedKey {Account}:{ExpectedSignature(expected)}", authorization);
    }

    [Fact]
    public void Sign_QueueReceiveWithQuery_ListsParametersLowerCasedAndSorted()
    {
        var (policy, message) = Build(RequestMethod.Get, "http://127.0.0.1:10001/devstoreaccount1/work/messages?visibilitytimeout=30&numofmessages=1");

        policy.OnSendingRequest(message);

        const string expected =
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-date:Sun, 01 Mar 2026 08:00:00 GMT\nx-ms-version:2021-08-06\n" +
            "/devstoreaccount1/devstoreaccount1/work/messages\nnumofmessages:1\nvisibilitytimeout:30";
        Assert.Equal(expected, policy.StringToSign(message.Request));
        message.Request.Headers.TryGetValue("Authorization", out var authorization);
        Assert.Equal($"SharedKey {Account}:{ExpectedSignature(expected)}", authorization);
    }

    [Fact]
    public void Sign_EscapedPopReceipt_SignsTheDecodedValue()
    {
        var (policy, message) = Build(RequestMethod.Delete, "http://127.0.0.1:10001/devstoreaccount1/work/messages/id-1?popreceipt=AgAAAA%2B%2FAA%3D%3D");

        Assert.EndsWith("/devstoreaccount1/devstoreaccount1/work/messages/id-1\npopreceipt:AgAAAA+/AA==", policy.StringToSign(message.Request), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Rebalancing.Functions.Storage.Azure;

/// <summary>
/// Signs each attempt of a Blob or Queue request with Shared Key (the documented string-to-sign of
/// the 2009-09-19-and-later format): stamps <c>x-ms-date</c> and sets
/// <c>Authorization: SharedKey {account}:{signature}</c>. Runs per retry, so every attempt carries a fresh date.
/// </summary>
internal sealed class SharedKeyPolicy(string accountName, string accountKey, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    private readonly byte[] key = Convert.FromBase64String(accountKey);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        var signature = Sign(StringToSign(request));
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{signature}");
    }

    /// <summary>Base64 HMAC-SHA256 of <paramref name="stringToSign"/> with the account key.</summary>
    public string Sign(string stringToSign) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The string-to-sign of a request, exactly as the storage service computes it.</summary>
    public string StringToSign(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var contentLength = string.Empty;
        if (request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0)
        {
            contentLength = length.ToString(CultureInfo.InvariantCulture);
        }

        string Header(string name) => request.Headers.TryGetValue(name, out var value) ? value : string.Empty;
        var builder = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Header("Content-Encoding")).Append('\n')
            .Append(Header("Content-Language")).Append('\n')
            .Append(contentLength).Append('\n')
            .Append(Header("Content-MD5")).Append('\n')
            .Append(Header("Content-Type")).Append('\n')
            .Append('\n') // Date: empty, x-ms-date is signed instead
            .Append(Header("If-Modified-Since")).Append('\n')
            .Append(Header("If-Match")).Append('\n')
            .Append(Header("If-None-Match")).Append('\n')
            .Append(Header("If-Unmodified-Since")).Append('\n')
            .Append(Header("Range")).Append('\n');

        foreach (var header in request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            builder.Append(header.Name).Append(':').Append(header.Value).Append('\n');
        }

        var uri = request.Uri.ToUri();
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Select(p => (Name: Uri.UnescapeDataString(p[0]).ToLowerInvariant(), Value: p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty))
                .GroupBy(p => p.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                builder.Append('\n').Append(parameter.Key).Append(':')
                    .Append(string.Join(',', parameter.Select(p => p.Value).Order(StringComparer.Ordinal)));
            }
        }

        return builder.ToString();
    }
}

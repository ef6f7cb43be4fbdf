using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Rebalancing.Functions.Application;

namespace Rebalancing.Functions.Approval;

/// <summary>What an approval token vouches for: a run, an approver at a level, a nonce (single use) and an expiry.</summary>
internal sealed record ApprovalClaims(string RunId, string ApproverId, bool Elevated, string Nonce, DateTimeOffset ExpiresAt);

/// <summary>The outcome of reading a token.</summary>
internal enum TokenCheck
{
    /// <summary>Signed by us and not expired.</summary>
    Valid,

    /// <summary>Malformed, tampered with, or signed with another key: indistinguishable to the caller (404).</summary>
    Invalid,

    /// <summary>Genuine but past its expiry (410).</summary>
    Expired,
}

/// <summary>
/// Approval tokens: <c>v1.{base64url(claims JSON)}.{base64url(HMAC-SHA256)}</c>, keyed with a key derived from
/// <c>Rebalancing:ApprovalSigningKey</c>. The anti-forgery field of the approval form is an HMAC of the nonce under a
/// second derived key, so it can only come from a page this app rendered for that token.
/// </summary>
internal sealed class ApprovalTokens(AppSecrets secrets, TimeProvider time)
{
    private const string Version = "v1";
    private readonly byte[] tokenKey = HMACSHA256.HashData(secrets.SigningKey, "approval-token"u8);
    private readonly byte[] formKey = HMACSHA256.HashData(secrets.SigningKey, "approval-form"u8);

    public string Sign(ApprovalClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Wire(claims.RunId, claims.ApproverId, claims.Elevated ? "elevated" : "standard", claims.Nonce, claims.ExpiresAt.ToUnixTimeSeconds()));
        var body = Version + "." + Base64Url.EncodeToString(payload);
        return body + "." + Base64Url.EncodeToString(HMACSHA256.HashData(tokenKey, Encoding.ASCII.GetBytes(body)));
    }

    public TokenCheck Read(string? token, out ApprovalClaims? claims)
    {
        claims = null;
        var parts = token?.Split('.');
        if (parts is not [Version, var payloadText, var macText] || token!.Length > 2048)
        {
            return TokenCheck.Invalid;
        }

        byte[] mac, payload;
        try
        {
            mac = Base64Url.DecodeFromChars(macText);
            payload = Base64Url.DecodeFromChars(payloadText);
        }
        catch (FormatException)
        {
            return TokenCheck.Invalid;
        }

        var expected = HMACSHA256.HashData(tokenKey, Encoding.ASCII.GetBytes(Version + "." + payloadText));
        if (!CryptographicOperations.FixedTimeEquals(mac, expected))
        {
            return TokenCheck.Invalid;
        }

        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(payload);
        }
        catch (JsonException)
        {
            return TokenCheck.Invalid;
        }

        if (wire is not { R.Length: > 0, A.Length: > 0, N.Length: > 0, L: "standard" or "elevated" })
        {
            return TokenCheck.Invalid;
        }

        claims = new ApprovalClaims(wire.R, wire.A, wire.L == "elevated", wire.N, DateTimeOffset.FromUnixTimeSeconds(wire.E));
        return time.GetUtcNow() >= claims.ExpiresAt ? TokenCheck.Expired : TokenCheck.Valid;
    }

    /// <summary>The anti-forgery value of the form rendered for <paramref name="claims"/>.</summary>
    public string FormField(ApprovalClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return Base64Url.EncodeToString(HMACSHA256.HashData(formKey, Encoding.UTF8.GetBytes(claims.RunId + "\n" + claims.Nonce)));
    }

    public bool IsFormField(ApprovalClaims claims, string? value) =>
        value is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value), Encoding.ASCII.GetBytes(FormField(claims)));

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed record Wire(string R, string A, string L, string N, long E);
}

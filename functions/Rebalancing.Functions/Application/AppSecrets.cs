using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Application;

/// <summary>
/// The API key and the approval signing key, resolved once at start: from configuration, or in embedded mode
/// generated (the API key, printed once) and kept in the data dir (the signing key, so links survive restarts).
/// </summary>
internal sealed class AppSecrets
{
    public const string SigningKeyFile = "approval-signing.key";

    private readonly byte[] apiKeyBytes;

    public AppSecrets(string apiKey, byte[] signingKey, bool apiKeyGenerated)
    {
        ApiKey = apiKey;
        SigningKey = signingKey;
        ApiKeyGenerated = apiKeyGenerated;
        apiKeyBytes = Encoding.UTF8.GetBytes(apiKey);
    }

    public string ApiKey { get; }

    public byte[] SigningKey { get; }

    public bool ApiKeyGenerated { get; }

    /// <summary>Compares in fixed time.</summary>
    public bool IsApiKey(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), apiKeyBytes);

    public static AppSecrets Resolve(IOptions<RebalancingOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var o = options.Value;
        // The API key guards /api only where this app checks keys itself (the local host); the Functions host checks
        // its own function keys. A generated one lasts for the process.
        var generated = string.IsNullOrWhiteSpace(o.ApiKey);

        var apiKey = generated ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : o.ApiKey!;
        byte[] signingKey;
        if (!string.IsNullOrWhiteSpace(o.ApprovalSigningKey))
        {
            signingKey = Encoding.UTF8.GetBytes(o.ApprovalSigningKey);
        }
        else
        {
            var dataDir = Path.GetFullPath(o.DataDir, environment.ContentRootPath);
            Directory.CreateDirectory(dataDir);
            var file = Path.Combine(dataDir, SigningKeyFile);
            if (!File.Exists(file))
            {
                try
                {
                    using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))));
                }
                catch (IOException) when (File.Exists(file))
                {
                    // Another process created it first: use theirs.
                }
            }

            signingKey = Encoding.ASCII.GetBytes(File.ReadAllText(file).Trim());
        }

        return new AppSecrets(apiKey, signingKey, generated);
    }
}

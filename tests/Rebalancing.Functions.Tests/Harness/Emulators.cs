using System.Diagnostics;

namespace Rebalancing.Functions.Tests.Harness;

/// <summary>Finds the repository's emulators (installing them with <c>npm ci</c> on a fresh clone) and starts them.</summary>
public static class Emulators
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static string RepositoryRoot { get; } = FindRoot();

    public static string AzuriteBlobScript => Path.Combine(RepositoryRoot, "node_modules", "azurite", "dist", "src", "blob", "main.js");

    public static string AzuriteQueueScript => Path.Combine(RepositoryRoot, "node_modules", "azurite", "dist", "src", "queue", "main.js");

    public static string CosmosScript => Path.Combine(RepositoryRoot, "node_modules", "@vercel", "cosmosdb-server", "lib", "cli.js");

    /// <summary>Starts the Cosmos emulator with a fix for its 500-instead-of-404 on missing documents (see the script).</summary>
    public static string CosmosLauncher => Path.Combine(AppContext.BaseDirectory, "Harness", "cosmos-emulator.js");

    /// <summary>Runs <c>npm ci</c> once when the emulators are missing; throws with npm's output if that fails.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (File.Exists(AzuriteBlobScript) && File.Exists(AzuriteQueueScript) && File.Exists(CosmosScript))
            {
                return;
            }

            var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = RepositoryRoot,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start: install Node.js and npm.");
            var stdout = npm.StandardOutput.ReadToEndAsync();
            var stderr = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().ConfigureAwait(false);
            if (npm.ExitCode != 0 || !File.Exists(AzuriteBlobScript) || !File.Exists(CosmosScript))
            {
                throw new InvalidOperationException($"'npm ci' in {RepositoryRoot} failed (exit {npm.ExitCode}); the emulators are not installed.\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>Starts an Azurite blob service on a free loopback port, keeping its data in <paramref name="location"/>.</summary>
    public static async Task<EmulatorProcess> StartAzuriteBlobAsync(string location, int? port = null)
    {
        var p = port ?? EmulatorProcess.FreePort();
        var process = new EmulatorProcess(
            "Azurite (blob)",
            AzuriteBlobScript,
            ["--blobHost", "127.0.0.1", "--blobPort", P(p), "--location", location, "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl"],
            p);
        await process.StartAsync(StartTimeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>Starts an Azurite queue service on a free loopback port, keeping its data in <paramref name="location"/>.</summary>
    public static async Task<EmulatorProcess> StartAzuriteQueueAsync(string location, int? port = null)
    {
        var p = port ?? EmulatorProcess.FreePort();
        var process = new EmulatorProcess(
            "Azurite (queue)",
            AzuriteQueueScript,
            ["--queueHost", "127.0.0.1", "--queuePort", P(p), "--location", location, "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl"],
            p);
        await process.StartAsync(StartTimeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>Starts an Azurite table service (the Durable Task Azure Storage backend keeps instances and history in tables).</summary>
    public static async Task<EmulatorProcess> StartAzuriteTableAsync(string location, int? port = null)
    {
        var p = port ?? EmulatorProcess.FreePort();
        var process = new EmulatorProcess(
            "Azurite (table)",
            Path.Combine(RepositoryRoot, "node_modules", "azurite", "dist", "src", "table", "main.js"),
            ["--tableHost", "127.0.0.1", "--tablePort", P(p), "--location", location, "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl"],
            p);
        await process.StartAsync(StartTimeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>Starts the Cosmos DB emulator (HTTPS, self-signed certificate) on a free loopback port.</summary>
    public static async Task<EmulatorProcess> StartCosmosAsync(int? port = null)
    {
        var p = port ?? EmulatorProcess.FreePort();
        var process = new EmulatorProcess("Cosmos DB emulator (@vercel/cosmosdb-server)", CosmosLauncher, [RepositoryRoot, P(p), "127.0.0.1"], p);
        await process.StartAsync(StartTimeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>Azurite's well-known account key (public, documented by Microsoft).</summary>
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Azurite's explicit connection string for a blob and a queue service on the given loopback ports.</summary>
    public static string ConnectionString(int blobPort, int queuePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        $"AccountKey={AzuriteAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;";

    /// <summary>Azurite's explicit connection string with a table service as well.</summary>
    public static string ConnectionString(int blobPort, int queuePort, int tablePort) =>
        ConnectionString(blobPort, queuePort) + $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")) && File.Exists(Path.Combine(directory.FullName, "Rebalancing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (package.json beside Rebalancing.sln) above {AppContext.BaseDirectory}.");
    }
}

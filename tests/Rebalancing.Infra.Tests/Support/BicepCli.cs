using System.Diagnostics;
using System.Reflection;

namespace Rebalancing.Infra.Tests.Support;

/// <summary>
/// The Bicep CLI binary from the NuGet package Azure.Bicep.CommandLine.linux-x64 (PackageDownload in the project
/// file), found in the NuGet global packages folder: the one restore used, else NUGET_PACKAGES, else ~/.nuget/packages.
/// </summary>
internal static class BicepCli
{
    private const string PackageId = "azure.bicep.commandline.linux-x64";

    public static string Version { get; } = Metadata("BicepCliVersion")
        ?? throw new InvalidOperationException("The test assembly does not record BicepCliVersion.");

    public static string Path { get; } = Find();

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> and returns its exit code and output.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline machine: no telemetry, no update checks.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} took more than 5 minutes.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Find()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException("The infra tests use the linux-x64 Bicep CLI package; run them on linux-x64 (as tests/run.sh and CI do).");
        }

        var roots = new[]
        {
            Metadata("NuGetPackageRoot"),
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var candidates = roots
            .Where(root => !string.IsNullOrWhiteSpace(root))
            .Select(root => System.IO.Path.Combine(root!, PackageId, Version, "tools", "bicep"))
            .ToList();
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"The Bicep CLI {Version} is not in the NuGet packages folder (looked at {string.Join(", ", candidates)}). "
                + "Restore tests/Rebalancing.Infra.Tests: its PackageDownload fetches it.");

        // NuGet extracts files without their execute bit.
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }

    private static string? Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == key)?.Value;
}

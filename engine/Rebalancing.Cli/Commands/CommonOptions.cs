using System.CommandLine;

namespace Rebalancing.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string> Snapshot() => new("--snapshot")
    {
        Description = "The snapshot: a folder of CSV files and snapshot.json, or a .zip of that folder.",
        Required = true,
    };

    public static Option<string?> Policy() => new("--policy")
    {
        Description = "A policy JSON file (policy.md); the defaults when omitted.",
    };

    public static Option<string> Out(string description) => new("--out")
    {
        Description = description,
        Required = true,
    };

    public static Option<bool> Quiet() => new("--quiet")
    {
        Description = "No progress on standard error.",
    };

    public static Option<bool> Timings() => new("--timings")
    {
        Description = "Print how long each step took (milliseconds) as one 'timings:' line on standard error.",
    };
}

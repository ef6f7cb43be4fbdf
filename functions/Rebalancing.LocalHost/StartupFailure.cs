using Microsoft.Extensions.Options;

namespace Rebalancing.LocalHost;

/// <summary>
/// A start that fails on a bad setting says why in one line (on stderr) and nothing else: no stack trace, no host
/// log of the failure. Settings are checked before the host starts, because a failure inside the host's start is
/// first logged by the host with its stack.
/// </summary>
internal static class StartupFailure
{
    /// <summary>Checks every option validated at start (<c>ValidateOnStart</c>) now; throws what a bad setting throws.</summary>
    public static void ValidateSettings(IServiceProvider services) =>
        services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The one-line reason of a start that failed on a setting; null when the failure is not a setting's (a bug: let it crash).</summary>
    public static string? Describe(Exception exception) => Reason(exception) is { } reason
        ? string.Join(' ', reason.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        : null;

    private static string? Reason(Exception exception) => exception switch
    {
        OptionsValidationException validation => validation.Message,

        // Several options failed at once: every reason, in one line.
        AggregateException { InnerExceptions.Count: > 0 } all when all.InnerExceptions.All(e => Reason(e) is not null) =>
            string.Join("; ", all.InnerExceptions.Select(Reason)),

        // The configuration binder: "Failed to convert configuration value at 'Rebalancing:X' to type '…'".
        InvalidOperationException binding when binding.Source == "Microsoft.Extensions.Configuration.Binder" => binding.Message,

        // What the app's composition throws on a missing or contradictory setting.
        InvalidOperationException { InnerException: null } composition => composition.Message,
        FormatException format => format.Message,
        _ => null,
    };
}

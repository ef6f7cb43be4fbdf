using System.ComponentModel.DataAnnotations;
using NCrontab;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Application;

/// <summary>The <c>Rebalancing</c> configuration section as the triggers read it (http-api.md).</summary>
internal sealed class RebalancingOptions : IValidatableObject
{
    public const string SectionName = "Rebalancing";

    /// <summary>The default schedule: every day at 02:00 (NCRONTAB, 6 fields, UTC).</summary>
    public const string DefaultSchedule = "0 0 2 * * *";

    /// <summary><c>embedded</c> (default) or <c>azure</c>; azure requires <see cref="ApiKey"/>.</summary>
    public StorageMode Storage { get; set; } = StorageMode.Embedded;

    /// <summary>Where the embedded default keeps its data (default <c>.rebalancing</c>).</summary>
    [Required]
    public string DataDir { get; set; } = ".rebalancing";

    /// <summary>The key <c>/api</c> routes require; generated and printed at start in embedded mode when absent.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The HMAC secret of approval tokens; generated and kept in the data dir in embedded mode when absent.</summary>
    public string? ApprovalSigningKey { get; set; }

    /// <summary>NCRONTAB (6 fields, with seconds) of scheduled rebalances; default <see cref="DefaultSchedule"/>.</summary>
    [Required]
    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>NCRONTAB (6 fields) of the snapshot pickup sweep of <c>incoming/</c> (default every 5 minutes).</summary>
    [Required]
    public string PickupSchedule { get; set; } = DefaultPickupSchedule;

    /// <summary>The default pickup schedule: every five minutes.</summary>
    public const string DefaultPickupSchedule = "0 */5 * * * *";

    /// <summary>Whether scheduled runs are on (default true).</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>Run the schedule once at start-up (Azure's <c>RunOnStartup</c>; default false).</summary>
    public bool RunOnStartup { get; set; }

    /// <summary>The base URL of approval links (default: the request's, or the app's first address).</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long an approval link is valid (default 72 hours).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan ApprovalLinkLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Approvers of scheduled runs (on-demand runs name their own).</summary>
    public IList<ApproverOptions> Approvers { get; } = [];

    /// <summary>Where notifications and events go.</summary>
    public NotificationOptions Notifications { get; set; } = new();

    /// <summary>The ingestion queue's rules.</summary>
    public IngestionOptions Ingestion { get; set; } = new();

    /// <summary>Run the background triggers (queue pollers, schedule) in this process (default true; tests drive them by hand).</summary>
    public bool Triggers { get; set; } = true;

    /// <summary>Seed a demo org and propose a plan at start (default: on in Development).</summary>
    public bool? SeedDemo { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Storage == StorageMode.Azure && string.IsNullOrWhiteSpace(ApprovalSigningKey))
        {
            yield return new ValidationResult("Rebalancing:ApprovalSigningKey is required in azure mode (every instance must sign approval links with the same secret).", [nameof(ApprovalSigningKey)]);
        }

        if (CrontabSchedule.TryParse(Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
        {
            yield return new ValidationResult($"Rebalancing:Schedule '{Schedule}' is not an NCRONTAB expression with 6 fields (second minute hour day month weekday).", [nameof(Schedule)]);
        }

        if (CrontabSchedule.TryParse(PickupSchedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
        {
            yield return new ValidationResult($"Rebalancing:PickupSchedule '{PickupSchedule}' is not an NCRONTAB expression with 6 fields.", [nameof(PickupSchedule)]);
        }

        if (PublicBaseUrl is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult("Rebalancing:PublicBaseUrl must be an absolute URL.", [nameof(PublicBaseUrl)]);
        }

        foreach (var prefix in Ingestion.AllowedUrlPrefixes)
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            {
                yield return new ValidationResult($"Rebalancing:Ingestion:AllowedUrlPrefixes entry '{prefix}' must be an absolute https URL.", [nameof(Ingestion)]);
            }
        }
    }
}

/// <summary>An approver of scheduled runs.</summary>
internal sealed class ApproverOptions
{
    [Required]
    public string Id { get; set; } = "";

    public string? Email { get; set; }

    public bool Elevated { get; set; }
}

/// <summary>Notification and event sinks (all optional).</summary>
internal sealed class NotificationOptions
{
    /// <summary>A Microsoft Teams incoming-webhook URL that receives an Adaptive Card per proposed plan.</summary>
    public Uri? TeamsWebhookUrl { get; set; }

    /// <summary>The SMTP server; absent: <c>.eml</c> files in <c>{DataDir}/outbox</c>.</summary>
    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 25;

    public bool SmtpEnableSsl { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>The sender of approval emails.</summary>
    public string From { get; set; } = "rebalancing@localhost";

    /// <summary>Webhooks that receive every event as a CloudEvents 1.0 JSON POST.</summary>
    public IList<Uri> EventWebhooks { get; } = [];

    /// <summary>Attempts per delivery before giving up (default 4); retries back off exponentially.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry delay (default 1 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>What the ingestion queue may fetch.</summary>
internal sealed class IngestionOptions
{
    /// <summary>URL prefixes a message may point at (https); blob paths under <c>incoming/</c> are always allowed.</summary>
    public IList<string> AllowedUrlPrefixes { get; } = [];

    /// <summary>Poll the ingestion queue (default true).</summary>
    public bool Enabled { get; set; } = true;
}

using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;
using Rebalancing.Functions.Application;

namespace Rebalancing.Functions.Notifications;

/// <summary>
/// Sends email with <see cref="SmtpClient"/>: to <c>Notifications:SmtpHost</c> when configured, otherwise as
/// <c>.eml</c> files in <c>{DataDir}/outbox</c> (the embedded default: nothing leaves the machine).
/// </summary>
internal sealed class EmailSender(IOptions<RebalancingOptions> options, IHostEnvironment environment)
{
    public const string OutboxFolder = "outbox";

    public string OutboxPath => Path.Combine(Path.GetFullPath(options.Value.DataDir, environment.ContentRootPath), OutboxFolder);

    public async ValueTask SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        var n = options.Value.Notifications;
        using var message = new MailMessage(n.From, to, subject, body);
        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(n.SmtpHost))
        {
            Directory.CreateDirectory(OutboxPath);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = OutboxPath;
        }
        else
        {
            client.Host = n.SmtpHost;
            client.Port = n.SmtpPort;
            client.EnableSsl = n.SmtpEnableSsl;
            if (n.SmtpUser is { Length: > 0 })
            {
                client.Credentials = new NetworkCredential(n.SmtpUser, n.SmtpPassword);
            }
        }

        await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
    }
}

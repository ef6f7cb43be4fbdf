using Rebalancing.Functions.Orchestration;
using Rebalancing.Functions.Storage;

namespace Rebalancing.Functions.Triggers;

/// <summary>
/// <c>[QueueTrigger("rebalancing-work")]</c>: hands the orchestration's work items to its <see cref="RunWorker"/>,
/// which deletes the message itself once the step is committed.
/// </summary>
internal sealed class WorkQueueTrigger(RunWorker worker) : IQueueTrigger
{
    public string QueueName => QueueNames.Work;

    public TimeSpan VisibilityTimeout => new RunWorkerOptions().VisibilityTimeout;

    public async Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await worker.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        return false;
    }
}

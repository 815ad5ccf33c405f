using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Retention;

/// <summary>
/// The service's retention loop: at start and every <c>Retention:Interval</c>, makes PostgreSQL's partitions ahead and,
/// with <c>Retention:RawRecord</c> set, drops what the policy no longer keeps. A failed pass shows at once in
/// <c>/readyz</c> (degraded, with its error) and <c>/metrics</c>, is logged, and is tried again after a backoff from
/// 5 seconds growing to 5 minutes, and never later than the interval.
/// </summary>
internal sealed partial class RetentionService(
    RawRecordStore store,
    RawRecordRetention retention,
    RetentionMetrics metrics,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    private readonly ReconnectPolicy _backoff = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), Random.Shared);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await store.EnsurePartitionsAsync(settings.PartitionsAhead, stoppingToken);
                if (settings.RawRecord is { } keep)
                {
                    await retention.RunAsync(keep, settings.ArchiveDirectory, stoppingToken);
                }

                metrics.Succeeded(time.GetUtcNow());
                wait = settings.Interval;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.Failed(time.GetUtcNow(), e.Message);
                var failing = metrics.Snapshot().FailingPasses;
                wait = _backoff.Delay(failing - 1, null);
                wait = wait < settings.Interval ? wait : settings.Interval;
                LogFailed(logger, failing, wait.TotalSeconds, e);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention failed ({Passes} passes in a row); trying again in {Seconds:F0} s.")]
    private static partial void LogFailed(ILogger logger, int passes, double seconds, Exception exception);
}

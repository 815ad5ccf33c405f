using Gradebook.Api;
using Gradebook.Feed;
using Gradebook.Fleet;
using Gradebook.Ingestion;
using Gradebook.Retention;
using Gradebook.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gradebook.Operations;

/// <summary>Ready when the database answers and its schema has every migration this build knows.</summary>
internal sealed class StoreHealthCheck(StoreEngine engine, Migrations migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var applied = await migrations.AppliedAsync(cancellationToken);
            var expected = migrations.Known;
            return applied.SequenceEqual(expected)
                ? HealthCheckResult.Healthy($"{engine.Dialect} reachable, schema version {expected[^1]}")
                : HealthCheckResult.Unhealthy($"schema has migrations [{string.Join(", ", applied)}], expected [{string.Join(", ", expected)}]");
        }
        catch (Exception e) when (e is System.Data.Common.DbException || TransientFaults.IsTransient(e))
        {
            return HealthCheckResult.Unhealthy($"{engine.Dialect} unreachable: {e.Message}");
        }
    }
}

/// <summary>
/// Ready while the read replica, when there is one, is reachable, has replayed every migration, and is no further behind
/// than <c>Storage:MaxReplicaLag</c>.
/// </summary>
internal sealed class ReplicaHealthCheck(ReadReplica replica, Migrations migrations, IOptions<StorageOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!replica.Configured)
        {
            return HealthCheckResult.Healthy("reads go to the primary");
        }

        try
        {
            var applied = await replica.AppliedMigrationsAsync(cancellationToken);
            if (!applied.SequenceEqual(migrations.Known))
            {
                return HealthCheckResult.Unhealthy(
                    $"read replica has schema migrations [{string.Join(", ", applied)}], expected [{string.Join(", ", migrations.Known)}]");
            }

            var lag = await replica.LagAsync(cancellationToken);
            var bound = options.Value.MaxReplicaLag;
            var shown = lag == TimeSpan.MaxValue ? "it has replayed nothing yet" : $"lag {lag.TotalSeconds:F3} s";
            return lag <= bound
                ? HealthCheckResult.Healthy($"read replica reachable, {shown}")
                : HealthCheckResult.Unhealthy($"read replica behind: {shown}, more than Storage:MaxReplicaLag {bound.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is System.Data.Common.DbException || TransientFaults.IsTransient(e))
        {
            return HealthCheckResult.Unhealthy($"read replica unreachable: {e.Message}");
        }
    }
}

/// <summary>
/// Ready while every feed is connected here, or owned by another live instance, or has been disconnected here for less
/// than its retry budget, and no feed's commits are failing. A feed that no live instance owns is degraded (some
/// instance takes it at its next heartbeat), and so is one connected but lagging.
/// </summary>
internal sealed class FeedHealthCheck(FeedCatalog catalog, FeedSupervisor supervisor, TimeProvider time) : IHealthCheck
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!catalog.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ingestion is disabled"));
        }

        var now = time.GetUtcNow();
        var checks = catalog.Feeds.Select(feed => Check(feed, now)).ToList();
        var worst = checks.Min(c => c.Status);
        return Task.FromResult(new HealthCheckResult(worst, string.Join("; ", checks.Select(c => c.Description))));
    }

    private (HealthStatus Status, string Description) Check(IngestedFeed feed, DateTimeOffset now)
    {
        var status = feed.Status.Snapshot(now);
        var state = status.StateName;
        if (status.Failing)
        {
            return (HealthStatus.Unhealthy,
                $"{feed.Name}: failing since {status.FailingSince:O}, {status.FailedCommits} commits in a row failed; last error: {status.CommitError}");
        }

        if (status.Lagging)
        {
            return (HealthStatus.Degraded,
                $"{feed.Name}: lagging, {status.Pending} events uncommitted, the oldest for {status.Lag.TotalSeconds:F1} s "
                + $"(bounds: Feed:MaxLag {feed.Options.MaxLag.TotalSeconds:F0} s, Feed:MaxPending {feed.Options.MaxPending})");
        }

        if (status.State == ConnectionState.Connected)
        {
            return (HealthStatus.Healthy, $"{feed.Name}: connected");
        }

        if (status.State == ConnectionState.Standby)
        {
            return supervisor.View.OwnerOf(feed.Name) is { } owner
                ? (HealthStatus.Healthy, $"{feed.Name}: standby, owned by {owner}")
                : (HealthStatus.Degraded, $"{feed.Name}: no live instance owns it yet");
        }

        var down = now - (status.DisconnectedSince ?? _started);
        return down <= feed.Options.RetryBudget
            ? (HealthStatus.Degraded, $"{feed.Name}: {state}, disconnected for {down.TotalSeconds:F0} s, within the retry budget; last error: {status.LastError}")
            : (HealthStatus.Unhealthy,
                $"{feed.Name}: {state}, disconnected for {down.TotalSeconds:F0} s, past the retry budget of {feed.Options.RetryBudget.TotalSeconds:F0} s; last error: {status.LastError}");
    }
}

/// <summary>
/// Degraded while retention's last pass failed (making PostgreSQL's partitions ahead, or dropping what the policy no
/// longer keeps), with its error; the service serves meanwhile, and writes fail only once the partitions made ahead run out.
/// </summary>
internal sealed class RetentionHealthCheck(RetentionMetrics metrics, IOptions<RetentionOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = metrics.Snapshot();
        var policy = options.Value.RawRecord is { } keep ? $"raw record kept {keep.TotalDays:0.##} days" : "raw record kept for ever";
        return Task.FromResult(state.FailingPasses > 0
            ? HealthCheckResult.Degraded($"{policy}; failing since {state.FailingSince:O}, {state.FailingPasses} passes in a row: {state.LastError}")
            : HealthCheckResult.Healthy(state.LastSuccess is { } at ? $"{policy}; last pass at {at:O}" : $"{policy}; no pass yet"));
    }
}

internal static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddGradebookHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [Ready])
            .AddCheck<FeedHealthCheck>("feed", tags: [Ready])
            .AddCheck<ReplicaHealthCheck>("replica", tags: [Ready])
            .AddCheck<RetentionHealthCheck>("retention", tags: [Ready]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process is up. <c>/readyz</c>: the store and the feed are fit to serve.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync })
            .OnlyGetAndHead();
        routes.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJsonAsync })
            .OnlyGetAndHead();
        return routes;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new HealthResponse(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResponse(e.Value.Status.ToString(), e.Value.Description)));
        return context.Response.WriteAsJsonAsync(body, OperationsJsonContext.Default.HealthResponse);
    }
}

/// <summary>The body of <c>/healthz</c> and <c>/readyz</c>: the overall status and each check's.</summary>
internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

internal sealed record HealthCheckResponse(string Status, string? Description);

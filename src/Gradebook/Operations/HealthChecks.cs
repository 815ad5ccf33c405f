using Gradebook.Api;
using Gradebook.Feed;
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
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{engine.Dialect} unreachable: {e.Message}");
        }
    }
}

/// <summary>Ready while the feed is connected, or has been disconnected for less than its retry budget.</summary>
internal sealed class FeedHealthCheck(FeedStatus status, IOptions<FeedOptions> options, TimeProvider time) : IHealthCheck
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ingestion is disabled"));
        }

        var now = time.GetUtcNow();
        var feed = status.Snapshot(now);
        var state = IngestionEndpoints.StateName(feed.State);
        if (feed.State == ConnectionState.Connected)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"connected to {feed.Source}"));
        }

        var down = now - (feed.DisconnectedSince ?? _started);
        var lastError = feed.LastError;
        return Task.FromResult(down <= options.Value.RetryBudget
            ? HealthCheckResult.Degraded($"{state}, disconnected for {down.TotalSeconds:F0} s, within the retry budget; last error: {lastError}")
            : HealthCheckResult.Unhealthy(
                $"{state}, disconnected for {down.TotalSeconds:F0} s, past the retry budget of {options.Value.RetryBudget.TotalSeconds:F0} s; last error: {lastError}"));
    }
}

internal static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddGradebookHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [Ready])
            .AddCheck<FeedHealthCheck>("feed", tags: [Ready]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process is up. <c>/readyz</c>: the store and the feed are fit to serve.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync });
        routes.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJsonAsync });
        return routes;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new HealthResponse(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResponse(e.Value.Status.ToString(), e.Value.Description)));
        return context.Response.WriteAsJsonAsync(body, GradebookJsonContext.Default.HealthResponse);
    }
}

/// <summary>The body of <c>/healthz</c> and <c>/readyz</c>: the overall status and each check's.</summary>
internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

internal sealed record HealthCheckResponse(string Status, string? Description);

using System.Text.Json;
using Gradebook.Api;
using Gradebook.Feed;
using Gradebook.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gradebook.Operations;

/// <summary>Ready when the database answers and its schema has every migration this build knows.</summary>
internal sealed class StoreHealthCheck(Store store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var applied = await store.AppliedMigrationsAsync(cancellationToken);
            var expected = SqlScripts.Migrations(store.Dialect).Select(m => m.Version).ToList();
            return applied.SequenceEqual(expected)
                ? HealthCheckResult.Healthy($"{store.Dialect} reachable, schema version {expected[^1]}")
                : HealthCheckResult.Unhealthy($"schema has migrations [{string.Join(", ", applied)}], expected [{string.Join(", ", expected)}]");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{store.Dialect} unreachable: {e.Message}");
        }
    }
}

/// <summary>Ready while the feed is connected, or has been disconnected for less than its retry budget.</summary>
internal sealed class FeedHealthCheck(FeedStatus status, IOptions<FeedOptions> options, TimeProvider time) : IHealthCheck
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var feed = options.Value;
        if (!feed.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("ingestion is disabled"));
        }

        var state = IngestionEndpoints.StateName(status.State);
        if (status.State == ConnectionState.Connected)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"connected to {status.Source}"));
        }

        var down = time.GetUtcNow() - (status.DisconnectedSince ?? _started);
        return Task.FromResult(down <= feed.RetryBudget
            ? HealthCheckResult.Degraded($"{state}, disconnected for {down.TotalSeconds:F0} s, within the retry budget; last error: {status.LastError}")
            : HealthCheckResult.Unhealthy($"{state}, disconnected for {down.TotalSeconds:F0} s, past the retry budget of {feed.RetryBudget.TotalSeconds:F0} s; last error: {status.LastError}"));
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
        routes.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync })
            .OnlyGetAndHead();
        routes.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJsonAsync })
            .OnlyGetAndHead();
        return routes;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(
            new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(
                    e => e.Key,
                    e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            },
            HealthJsonOptions));
    }

    private static readonly JsonSerializerOptions HealthJsonOptions = new(JsonSerializerDefaults.Web);
}

using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using Gradebook.Ingestion;
using Prometheus;

namespace Gradebook.Operations;

/// <summary>
/// This host's meters (Gradebook's own and ASP.NET Core's request metrics) and the process's statistics as Prometheus
/// metrics, in a registry of the host's own: a process can hold several hosts (tests do), and prometheus-net's default
/// registry is shared by all of them.
/// </summary>
internal sealed class PrometheusExport : IDisposable
{
    private static readonly HashSet<string> Meters = [GradebookMeter.Name, "Microsoft.AspNetCore.Hosting"];

    private readonly IDisposable _adapter;

    public PrometheusExport(IMeterFactory meters)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => Meters.Contains(instrument.Meter.Name) && ReferenceEquals(instrument.Meter.Scope, meters),
            ResolveHistogramBuckets = AdvisedBuckets,

            // The adapter drops a series left unchanged this long and restarts it from zero; ours are few and fixed,
            // so they are kept as long as it allows (the default is five minutes).
            MetricsExpireAfter = TimeSpan.FromDays(1),
        });
    }

    public CollectorRegistry Registry { get; }

    public void Dispose() => _adapter.Dispose();

    private static double[] AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => MeterAdapterOptions.DefaultHistogramBuckets,
    };
}

internal static partial class MetricsEndpoints
{
    private const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";
    private const string OpenMetricsText = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary><c>GET /metrics</c> in the Prometheus text format (or OpenMetrics, when the scraper asks for it).</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        // Resolved now, not at the first scrape, so the export hears every measurement from start-up on.
        var export = routes.ServiceProvider.GetRequiredService<PrometheusExport>();
        routes.MapGet("/metrics", (HttpRequest request, CancellationToken cancel) => ScrapeAsync(export.Registry, request, cancel))
            .ExcludeFromDescription()
            .RequireAuthorization(Auth.Scopes.OperationsRead);
        return routes;
    }

    // Hand-written, not prometheus-net's endpoint: its meter adapter ends every help text with the instrument's CLR
    // type name ("(Counter`1)"), with no setting to leave it out, so the exposition is rewritten without it here.
    private static async Task<IResult> ScrapeAsync(CollectorRegistry registry, HttpRequest request, CancellationToken cancel)
    {
        var openMetrics = request.Headers.Accept.Any(a => a?.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) == true);
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancel);
        var text = ClrTypeSuffix().Replace(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), "");
        return TypedResults.Text(text, openMetrics ? OpenMetricsText : PrometheusText, Encoding.UTF8);
    }

    /// <summary>What the meter adapter appends to a help line: " (Counter`1)", " (ObservableGauge`1)"...</summary>
    [GeneratedRegex(@"(?<=^# HELP [^\n]*) \([A-Za-z]+`\d\)$", RegexOptions.Multiline)]
    private static partial Regex ClrTypeSuffix();
}

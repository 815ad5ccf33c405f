using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Gradebook.Operations;

/// <summary>
/// Listens to this host's meters (Gradebook's own and ASP.NET Core's request metrics) and renders them in the
/// Prometheus text exposition format for <c>GET /metrics</c>. Counters and histograms accumulate as measurements
/// arrive; observable gauges are read at scrape time.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private static readonly HashSet<string> Meters = [Feed.FeedMetrics.MeterName, "Microsoft.AspNetCore.Hosting"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _scrape = new();

    public PrometheusMetrics(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // A process can hold several hosts (tests do): listen only to the meters of this host's factory.
            if (Meters.Contains(instrument.Meter.Name) && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                _series[instrument] = new Series(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                series.Render(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var series))
        {
            series.Record(value, Labels(tags));
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var escaped = Convert.ToString(value, CultureInfo.InvariantCulture)?
                .Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal);
            pairs.Add($"{Sanitize(key)}=\"{escaped}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private static string Sanitize(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterOrDigit(source[i]) ? source[i] : '_';
        }
    });

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>One instrument's values per label set.</summary>
    private sealed class Series
    {
        private readonly Instrument _instrument;
        private readonly double[]? _bounds;
        private readonly ConcurrentDictionary<string, double[]> _values = new(StringComparer.Ordinal);

        public Series(Instrument instrument)
        {
            _instrument = instrument;
            var unit = instrument.Unit == "s" ? "_seconds" : "";
            var kind = instrument switch
            {
                Counter<long> or Counter<int> or Counter<double> => "counter",
                Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
                _ => "gauge",
            };
            Kind = kind;
            Name = Sanitize(instrument.Name) + unit + (kind == "counter" ? "_total" : "");
            _bounds = kind == "histogram" ? Bounds(instrument) : null;
        }

        public string Name { get; }

        private string Kind { get; }

        /// <summary>Counters and gauges keep [value]; histograms keep [count, sum, bucket counts...].</summary>
        public void Record(double value, string labels)
        {
            var cells = _values.GetOrAdd(labels, _ => new double[_bounds is null ? 1 : _bounds.Length + 2]);
            lock (cells)
            {
                switch (Kind)
                {
                    case "counter":
                        cells[0] += value;
                        break;
                    case "gauge":
                        cells[0] = value;
                        break;
                    default:
                        cells[0]++;
                        cells[1] += value;
                        var bucket = Array.FindIndex(_bounds!, b => value <= b);
                        cells[2 + (bucket < 0 ? _bounds!.Length - 1 : bucket)]++;
                        break;
                }
            }
        }

        public void Render(StringBuilder text)
        {
            if (_values.IsEmpty && _bounds is null)
            {
                return;
            }

            // A histogram nothing was recorded in yet is shown empty, so it is there from start-up on.
            var values = _values.IsEmpty ? [new("", new double[_bounds!.Length + 2])] : _values.OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
            text.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {_instrument.Description}\n# TYPE {Name} {Kind}\n");
            foreach (var (labels, cells) in values)
            {
                lock (cells)
                {
                    if (_bounds is null)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{Name}{Braces(labels)} {Number(cells[0])}\n");
                        continue;
                    }

                    double cumulative = 0;
                    for (var b = 0; b < _bounds.Length; b++)
                    {
                        cumulative += cells[2 + b];
                        var le = $"le=\"{Number(_bounds[b])}\"";
                        text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{Braces(labels.Length == 0 ? le : labels + "," + le)} {Number(cumulative)}\n");
                    }

                    text.Append(CultureInfo.InvariantCulture, $"{Name}_sum{Braces(labels)} {Number(cells[1])}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{Name}_count{Braces(labels)} {Number(cells[0])}\n");
                }
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static double[] Bounds(Instrument instrument)
        {
            IReadOnlyList<double>? advised = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
                _ => null,
            };
            var bounds = advised ?? [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
            return [.. bounds, double.PositiveInfinity];
        }
    }
}

internal static class MetricsEndpoints
{
    /// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", (PrometheusMetrics metrics) =>
                TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations")
            .WithSummary("Metrics in the Prometheus text exposition format.");
        return routes;
    }
}

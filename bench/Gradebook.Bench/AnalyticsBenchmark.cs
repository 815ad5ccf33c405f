using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gradebook.Imports;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gradebook.Bench;

/// <summary>
/// Exam analytics at scale: one document of 10,000 sheets × 100 questions imported (with its answers, and the same
/// sheets without them, each into a fresh store), then GET /exams/{n}/questions over that exam from a Gradebook
/// process, cold (a target the read cache has not seen) and cached, beside /healthz in the same run.
/// </summary>
internal static class AnalyticsBenchmark
{
    private const long Exam = 9_000;
    private const int Questions = 100;
    private const int ColdReads = 20;
    private const int CachedReads = 500;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var sheets = (int)(options.Events ?? 10_000);
        var report = new Report("analytics", ["engine", "measure", "value", "unit", "detail"]);
        var withAnswers = Document(sheets, answers: true);
        var withoutAnswers = Document(sheets, answers: false);
        foreach (var engine in options.Engines)
        {
            var (bare, _, _) = await ImportAsync(engine, withoutAnswers, keep: false);
            var (answered, directory, settings) = await ImportAsync(engine, withAnswers, keep: true);
            using (directory)
            {
                report.Add(engine, "import, no answers", sheets / bare.Seconds, "sheets/s", $"{sheets:N0} sheets, {withoutAnswers.Length / 1e6:N1} MB");
                report.Add(engine, $"import, {Questions} answers a sheet", sheets / answered.Seconds, "sheets/s", $"{answered.Seconds / bare.Seconds:F2}× the time without answers; {withAnswers.Length / 1e6:N1} MB");
                var read = Stopwatch.StartNew();
                _ = DocumentFormats.Markr.TryRead(withAnswers, out _, out _);
                report.Add(engine, "of which reading the document", read.Elapsed.TotalSeconds / answered.Seconds, "share", $"{read.Elapsed.TotalSeconds:F2} s of {answered.Seconds:F2} s: the Markr reader alone, the rest is storing");
                Console.WriteLine($"  {engine} import: {bare.Seconds:F2} s without answers, {answered.Seconds:F2} s with ({read.Elapsed.TotalSeconds:F2} s reading)");

                var port = Workload.FreePort();
                using var host = Workload.StartHost(settings!, feed: null, urls: $"http://127.0.0.1:{port}");
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
                await Workload.WaitUntilUpAsync(client, host);

                var healthz = await TimeAsync(client, _ => "/healthz", CachedReads);
                var cold = await TimeAsync(client, i => $"/exams/{Exam}/questions?read={i}", ColdReads);
                var cached = await TimeAsync(client, _ => $"/exams/{Exam}/questions", CachedReads);
                report.Add(engine, "GET /healthz p50", healthz.P50, "ms", $"p99 {healthz.P99:F2} ms");
                report.Add(engine, "questions, cold p50", cold.P50, "ms", $"p99 {cold.P99:F1} ms; {ColdReads} reads the cache had not seen");
                report.Add(engine, "questions, cached p50", cached.P50, "ms", $"p99 {cached.P99:F2} ms; {cached.P50 / healthz.P50:F1}× /healthz");
                Console.WriteLine($"  {engine} questions: cold p50 {cold.P50:F1} ms, cached p50 {cached.P50:F2} ms, /healthz p50 {healthz.P50:F2} ms");
            }
        }

        report.Note($"One document of {sheets:N0} Markr sheets, {Questions} one-mark questions each, stored through the importer (read and stored, in one transaction) into a fresh store; the same sheets without their answers into another. One client reads in a loop.");
        return report;
    }

    private static async Task<((double Seconds, int Results) Import, TempDirectory? Directory, Dictionary<string, string>? Settings)> ImportAsync(string engine, byte[] document, bool keep)
    {
        var directory = new TempDirectory();
        var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
        var importer = new Importer(store.Imports, TimeProvider.System, NullLogger<Importer>.Instance);
        var clock = Stopwatch.StartNew();
        var outcome = await importer.ImportAsync(document, DocumentFormats.Markr, "bench");
        var seconds = clock.Elapsed.TotalSeconds;
        if (outcome.Rejection is { } rejection)
        {
            throw new InvalidOperationException(rejection.ToString());
        }

        if (keep)
        {
            return ((seconds, outcome.ResultCount), directory, settings);
        }

        directory.Dispose();
        return ((seconds, outcome.ResultCount), null, null);
    }

    private static async Task<(double P50, double P99)> TimeAsync(HttpClient client, Func<int, string> url, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(url(i));
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        return (Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99));
    }

    /// <summary>A document of sheets whose students' ability rises with their number; each answer right with a chance that rises with it.</summary>
    private static byte[] Document(int sheets, bool answers)
    {
        var random = new Random(9);
        var keys = Enumerable.Range(0, Questions).Select(_ => "ABCD"[random.Next(4)]).ToArray();
        var text = new StringBuilder("<mcq-test-results>\n");
        for (var s = 0; s < sheets; s++)
        {
            var ability = s / (double)sheets;
            var chosen = new char[Questions];
            var obtained = 0;
            for (var q = 0; q < Questions; q++)
            {
                chosen[q] = random.NextDouble() < 0.2 + (0.7 * ability) ? keys[q] : "ABCD"[random.Next(4)];
                obtained += chosen[q] == keys[q] ? 1 : 0;
            }

            text.Append(CultureInfo.InvariantCulture, $"<mcq-test-result scanned-on=\"2026-06-01T09:00:00Z\"><student-number>{s:D6}</student-number><test-id>{Exam}</test-id><summary-marks available=\"{Questions}\" obtained=\"{obtained}\"/>");
            if (answers)
            {
                for (var q = 0; q < Questions; q++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<answer question=\"{q + 1}\" marks-available=\"1\" marks-awarded=\"{(chosen[q] == keys[q] ? 1 : 0)}\">{chosen[q]}</answer>");
                }
            }

            text.Append("</mcq-test-result>\n");
        }

        return Encoding.UTF8.GetBytes(text.Append("</mcq-test-results>\n").ToString());
    }
}

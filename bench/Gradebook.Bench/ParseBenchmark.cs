using System.Diagnostics;
using System.Text;
using Gradebook.Emulator;
using Gradebook.Feed;

namespace Gradebook.Bench;

/// <summary>
/// The ingest scenario's parse limit alone, repeated so that a change to the reader can be compared in seconds:
/// the emulator's exact bytes through SSE and payload parsing, and the payloads alone through <see cref="ScorePayload"/>.
/// </summary>
internal static class ParseBenchmark
{
    private const int Rounds = 5;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var size = options.Events ?? 1_000_000;
        var sent = ScoreSequence.All(Workload.Feed(size));
        var wire = Workload.Wire(sent);
        var payloads = (await Workload.ParseAsync(wire, sent.Count)).Select(e => Encoding.UTF8.GetBytes(e.Data)).ToArray();

        var parse = new List<double>();
        var payload = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var parsed = await Workload.ParseAsync(wire, sent.Count);
            parse.Add(parsed.Count / clock.Elapsed.TotalSeconds);

            clock.Restart();
            var accepted = 0;
            foreach (var data in payloads)
            {
                accepted += ScorePayload.Read(data).Score is null ? 0 : 1;
            }

            payload.Add(accepted / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  round {round + 1}: parse {parse[^1]:N0}/s, payload alone {payload[^1]:N0}/s");
        }

        // The first round is the warm-up (JIT and tiering); the median of the others is the figure.
        var report = new Report("parse", ["events", "rounds", "parse limit ev/s", "payload alone ev/s"]);
        report.Add(size, Rounds - 1, Median(parse.Skip(1)), Median(payload.Skip(1)));
        report.Note("parse limit: SSE parsing + payload validation of the emulator's exact bytes from memory, one thread (as in ingest).");
        report.Note("payload alone: ScorePayload.Read over the same events' data, one thread.");
        report.Note($"median of {Rounds - 1} rounds after a warm-up round.");
        return report;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

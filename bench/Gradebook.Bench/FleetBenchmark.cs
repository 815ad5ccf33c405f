using System.Diagnostics;
using Gradebook.Emulator;
using Gradebook.Tests.Support;
using Npgsql;

namespace Gradebook.Bench;

/// <summary>
/// A fleet on one PostgreSQL server: how long a feed goes without an owner when its owner is killed (kill -9), stopped
/// (SIGTERM) or frozen (SIGSTOP, as a hung process or a frozen VM), over many hand-overs; and how ingest over three feeds
/// scales with one, two and three instances, with the CPU the instances spend per event.
/// </summary>
internal static class FleetBenchmark
{
    private const string Feed = "feed-0";

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var report = new Report("fleet", ["measure", "instances", "feeds", "n", "median", "max", "unit", "ev/s", "CPU µs/event"]);
        await HandOversAsync(report, rounds: (int)(options.Events ?? 10), freezes: options.Freezes ?? 10);
        await ScalingAsync(report, eventsPerFeed: 200_000);
        report.Note("Hand-over: from the owner's death (kill -9), exit (SIGTERM, after it drained and released) or freeze (SIGSTOP) to the first batch the next owner commits; heartbeat every 0.5 s, Fleet:InstanceTimeout 5 s.");
        report.Note("CPU: user + system time of the Gradebook processes only (the PostgreSQL server's is not counted), over events committed.");
        return report;
    }

    private static async Task HandOversAsync(Report report, int rounds, int freezes)
    {
        using var directory = new TempDirectory();
        var (store, settings) = await Workload.FreshStoreAsync("postgres", directory);
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { EventsPerSecond = 1_000, Seed = 3 });
        settings[$"Feeds__{Feed}__Url"] = emulator.ScoresUrl.ToString();
        var connectionString = settings["ConnectionStrings__Gradebook"];
        var instances = new List<GradebookProcess> { await StartStandbyAsync(settings), await StartStandbyAsync(settings) };
        try
        {
            foreach (var (loss, count) in new[] { (Loss.Kill, rounds), (Loss.Terminate, rounds), (Loss.Freeze, freezes) })
            {
                var times = new List<double>();
                for (var round = 0; round < count; round++)
                {
                    var (owner, received) = await OwnerAsync(connectionString, _ => true);
                    var victim = instances.Single(i => i.Output.Contains($"Instance {owner} joined", StringComparison.Ordinal));
                    var clock = Stopwatch.StartNew();
                    await (loss switch
                    {
                        Loss.Kill => victim.KillAsync(),
                        Loss.Terminate => victim.TerminateAsync(TimeSpan.FromSeconds(60)),
                        _ => victim.FreezeAsync(),
                    });

                    var gone = clock.Elapsed;
                    await OwnerAsync(connectionString, s => s.Owner is { } o && o != owner && s.Received > received);
                    times.Add((clock.Elapsed - gone).TotalSeconds);
                    instances.Remove(victim);

                    // A frozen owner is killed here, once the hand-over is measured.
                    victim.Dispose();
                    instances.Add(await StartStandbyAsync(settings));
                }

                times.Sort();
                var measure = loss switch
                {
                    Loss.Kill => "hand-over after kill -9",
                    Loss.Terminate => "hand-over after SIGTERM",
                    _ => "hand-over after SIGSTOP (frozen)",
                };
                report.Add(measure, 2, 1, times.Count, times[times.Count / 2], times[^1], "s", "", "");
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }

            await store.DisposeAsync();
        }
    }

    private enum Loss
    {
        Kill,
        Terminate,
        Freeze,
    }

    /// <summary>An instance that has joined the fleet and heartbeated a few times, so a hand-over does not wait for it to start.</summary>
    private static async Task<GradebookProcess> StartStandbyAsync(Dictionary<string, string> settings)
    {
        var instance = Workload.StartHost(settings, feed: null, fleet: true);
        while (!instance.Output.Contains("joined the fleet", StringComparison.Ordinal))
        {
            await Task.Delay(20);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        return instance;
    }

    /// <summary>Polls the feed's record until <paramref name="done"/> holds for its owner and received count.</summary>
    private static async Task<(string Owner, long Received)> OwnerAsync(string connectionString, Func<(string? Owner, long Received), bool> done)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT owner, received FROM feeds WHERE source = @source", connection);
            command.Parameters.AddWithValue("source", Feed);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync())
                {
                    var state = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1));
                    if (state.Item1 is not null && state.Item2 > 0 && done(state))
                    {
                        return (state.Item1, state.Item2);
                    }
                }
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("No instance took the feed over within two minutes.");
            }

            await Task.Delay(10);
        }
    }

    private static async Task ScalingAsync(Report report, long eventsPerFeed)
    {
        for (var count = 1; count <= 3; count++)
        {
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync("postgres", directory);
            var emulators = new List<EmulatorServer>();
            for (var i = 0; i < 3; i++)
            {
                var feed = Workload.Feed(eventsPerFeed);
                feed.Seed = 100 + i;
                var emulator = await EmulatorServer.StartAsync(feed);
                emulators.Add(emulator);
                settings[$"Feeds__feed-{i}__Url"] = emulator.ScoresUrl.ToString();
            }

            var instances = Enumerable.Range(0, count).Select(_ => Workload.StartHost(settings, feed: null, fleet: true)).ToList();
            try
            {
                var clock = Stopwatch.StartNew();
                long committed;
                do
                {
                    await Task.Delay(50);
                    committed = 0;
                    for (var i = 0; i < 3; i++)
                    {
                        committed += (await store.GetFeedAsync($"feed-{i}", CancellationToken.None))?.Received ?? 0;
                    }
                }
                while (committed < 3 * eventsPerFeed);

                var seconds = clock.Elapsed.TotalSeconds;
                var cpu = instances.Sum(i => Process.GetProcessById(i.Id).TotalProcessorTime.TotalMicroseconds);
                report.Add("ingest, 3 feeds", count, 3, 3 * eventsPerFeed, "", "", "", 3 * eventsPerFeed / seconds, cpu / (3 * eventsPerFeed));
            }
            finally
            {
                foreach (var instance in instances)
                {
                    instance.Dispose();
                }

                foreach (var emulator in emulators)
                {
                    await emulator.DisposeAsync();
                }

                await store.DisposeAsync();
            }
        }
    }
}

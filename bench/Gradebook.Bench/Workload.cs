using System.Diagnostics;
using Gradebook.Emulator;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>The realistic feed every scenario uses, and the engines it can be stored in.</summary>
internal static class Workload
{
    /// <summary>A few thousand students; exams of tens to hundreds of students each; sent as fast as it is read.</summary>
    public static EmulatorOptions Feed(long events, double eventsPerSecond = 0) => new()
    {
        EventsPerSecond = eventsPerSecond,
        MaxEvents = events,
        Students = 3_000,
        MinBurst = 20,
        MaxBurst = 300,
        BufferSize = 100_000,
        Seed = 2017,
    };

    private static PostgresCluster? _postgres;

    /// <summary>The engines measured when none are named: SQLite, and PostgreSQL where its server binaries exist.</summary>
    public static IReadOnlyList<string> DefaultEngines => PostgresCluster.BinDirectory is null ? ["sqlite"] : ["sqlite", "postgres"];

    /// <summary>A fresh, migrated database of the engine, and the settings a Gradebook process needs to use it.</summary>
    public static async Task<(StoreHarness Store, Dictionary<string, string> Settings)> FreshStoreAsync(string engine, TempDirectory directory, int? through = null)
    {
        switch (engine)
        {
            case "sqlite":
                {
                    var connectionString = directory.SqliteConnectionString();
                    var store = new StoreHarness(new SqliteEngine(connectionString));
                    await store.MigrateAsync(CancellationToken.None, through);
                    return (store, new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = connectionString });
                }

            case "postgres":
                {
                    // One durable server (fsync and synchronous commit on, as in production) for the whole run, a database per measurement.
                    _postgres ??= await PostgresCluster.StartAsync(durable: true);
                    var connectionString = await _postgres.CreateDatabaseAsync();
                    var store = new StoreHarness(new PostgresEngine(connectionString));
                    await store.MigrateAsync(CancellationToken.None, through);
                    return (store, new Dictionary<string, string>
                    {
                        ["Storage__Provider"] = "Postgres",
                        ["ConnectionStrings__Gradebook"] = connectionString,
                    });
                }

            default:
                throw new ArgumentException($"Unknown engine '{engine}': use sqlite or postgres.");
        }
    }

    public static async Task StopPostgresAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>Starts a Gradebook process that reads <paramref name="feed"/> into the given store.</summary>
    public static GradebookProcess StartHost(Dictionary<string, string> settings, Uri? feed, string urls = "http://127.0.0.1:0", bool fleet = false)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["URLS"] = urls,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Gradebook.Fleet.FeedSupervisor"] = "Information",
        };
        if (fleet)
        {
            return GradebookProcess.Start(environment); // the feeds are in the settings, as Feeds__<name>__Url
        }

        if (feed is null)
        {
            environment["Feed__Enabled"] = "false";
        }
        else
        {
            environment["Feed__Url"] = feed.ToString();
        }

        return GradebookProcess.Start(environment);
    }

    /// <summary>
    /// Waits until the committed count of the feed <see cref="StartHost"/> gave the host (<c>Feed:Url</c>, the feed named
    /// <c>default</c>) reaches <paramref name="events"/> and returns the commit rate, measured from the first commit seen
    /// (so process start-up is not counted).
    /// </summary>
    public static async Task<double> CommitRateAsync(StoreHarness store, long events, GradebookProcess host, Action<long>? progress = null)
    {
        long? firstCount = null;
        var clock = new Stopwatch();
        while (true)
        {
            var received = (await store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None))?.Received ?? 0;
            if (received > 0 && firstCount is null)
            {
                firstCount = received;
                clock.Start();
            }

            progress?.Invoke(received);
            if (received >= events)
            {
                return (events - firstCount!.Value) / clock.Elapsed.TotalSeconds;
            }

            if (host.HasExited)
            {
                throw new InvalidOperationException($"The Gradebook process exited early:\n{host.Output}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Writes the events straight to the store, as the feed's writer would, to seed a read benchmark.</summary>
    public static async Task StoreAsync(StoreHarness store, IEnumerable<EmulatedEvent> events)
    {
        foreach (var batch in AsReceived(events).Chunk(8_192))
        {
            await store.WriteFeedBatchAsync("bench", batch, CancellationToken.None);
        }
    }

    /// <summary>The events as the reader would have made them of the feed, without parsing (for seeding a store).</summary>
    public static IEnumerable<FeedEvent> AsReceived(IEnumerable<EmulatedEvent> events)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var e in events)
        {
            var data = System.Text.Encoding.UTF8.GetString(e.Frame).Split("data: ")[1].TrimEnd('\n');
            yield return new FeedEvent(e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "score", data, now, new Score(e.StudentId, e.Exam, e.Score), null);
        }
    }

    /// <summary>A free TCP port on the loopback interface.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until the host answers <c>/healthz</c>.</summary>
    public static async Task WaitUntilUpAsync(HttpClient client, GradebookProcess host)
    {
        while (true)
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException($"The Gradebook process exited early:\n{host.Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The p-th percentile (0-100) of sorted values, by the nearest-rank method.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The feed's bytes exactly as the emulator sends them.</summary>
    public static byte[] Wire(IReadOnlyList<EmulatedEvent> events)
    {
        var wire = new byte[events.Sum(e => (long)e.Frame.Length)];
        var at = 0;
        foreach (var e in events)
        {
            e.Frame.CopyTo(wire, at);
            at += e.Frame.Length;
        }

        return wire;
    }

    /// <summary>Parses SSE bytes into events the way the reader does, without a network.</summary>
    public static async Task<List<FeedEvent>> ParseAsync(byte[] wire, int capacity)
    {
        var options = new FeedOptions();
        await using var body = new FeedBodyStream(new MemoryStream(wire), options.MaxEventBytes, options.ReadTimeout, TimeProvider.System);
        var events = new List<FeedEvent>(capacity);
        await foreach (var e in FeedConnection.Read(FeedConnection.Parser(body, TimeProvider.System, options.MaxEventBytes), CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }
}

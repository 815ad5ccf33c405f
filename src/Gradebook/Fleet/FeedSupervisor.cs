using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

// Past 250 lines on purpose: one state machine (heartbeat, take, give back, end) whose steps read best side by side.
namespace Gradebook.Fleet;

/// <summary>
/// This instance's part in the fleet. Every heartbeat it says it is alive, counts the live instances, and takes or
/// gives back feeds so that it holds at most its share, ceil(feeds / instances): a feed it can lease (nobody holds it)
/// is ingested here; a feed over its share is drained, committed and let go, for another instance to take. Each
/// instance prefers feeds in its own order (rendezvous hashing), so instances reach for different feeds. Stopping
/// drains and lets go of every feed, so a standby takes each over at its next heartbeat. A feed whose owner hangs
/// (silent past <c>Fleet:InstanceTimeout</c>) is taken away from it, where the engine can end the session holding it.
/// </summary>
internal sealed partial class FeedSupervisor(
    FeedCatalog catalog,
    FleetStore fleet,
    StoreEngine engine,
    IServiceProvider services,
    IOptions<FleetOptions> options,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FeedSupervisor> logger) : BackgroundService
{
    private readonly FleetOptions _options = options.Value;
    private readonly Dictionary<string, Owned> _owned = new(StringComparer.Ordinal);

    /// <summary>Feeds whose ingestion failed here with a fault that is not transient: not taken again until a restart.</summary>
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    // What was last said about a feed held by a hung owner that could not be taken from it, so it is said once.
    private readonly Dictionary<string, string> _saidHeld = new(StringComparer.Ordinal);
    private volatile FleetView _view = FleetView.Empty;

    public string InstanceId { get; } = options.Value.ResolveInstanceId();

    public FleetView View => _view;

    /// <summary>The feeds this instance ingests now.</summary>
    public IReadOnlyCollection<string> OwnedFeeds
    {
        get
        {
            lock (_owned)
            {
                return [.. _owned.Keys];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!catalog.Enabled)
        {
            foreach (var feed in catalog.Feeds)
            {
                feed.Status.Enter(ConnectionState.Stopped, time.GetUtcNow());
            }

            return;
        }

        foreach (var feed in catalog.Feeds)
        {
            feed.Status.Enter(ConnectionState.Standby, time.GetUtcNow());
        }

        var emulator = catalog.UsesEmulator ? await EmbeddedEmulator.UrlAsync(server, lifetime, stoppingToken) : null;
        var feedNoun = Counted.Noun(catalog.Feeds.Count, "feed", "feeds");
        LogJoined(InstanceId, catalog.Feeds.Count, feedNoun);
        try
        {
            var first = true;
            var unreachable = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await BalanceAsync(emulator, takeFeeds: !first, stoppingToken);
                    first = false;
                    if (unreachable)
                    {
                        unreachable = false;
                        LogFleetReachable();
                    }
                }
                catch (Exception e) when (TransientFaults.IsTransient(e) && !stoppingToken.IsCancellationRequested)
                {
                    // Tried again at every heartbeat, but said once: a heartbeat is every half second.
                    if (!unreachable)
                    {
                        unreachable = true;
                        LogFleetUnreachable(e.Message);
                    }
                }

                try
                {
                    await Task.Delay(_options.HeartbeatInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            await LetGoOfEverythingAsync();
        }
    }

    /// <summary>One heartbeat: say this instance is alive, count the fleet, reap ended ingestions, then take or give back feeds.</summary>
    private async Task BalanceAsync(Uri? emulator, bool takeFeeds, CancellationToken stoppingToken)
    {
        await fleet.HeartbeatAsync(InstanceId, LeaseSessions(), stoppingToken);
        var instances = await fleet.LiveInstancesAsync(_options.InstanceTimeout, stoppingToken);
        var owners = (await fleet.FeedOwnersAsync(stoppingToken)).ToDictionary(o => o.Source, o => o.Owner, StringComparer.Ordinal);
        _view = new FleetView(instances, owners);

        await ReapEndedAsync();
        var share = (catalog.Feeds.Count + Math.Max(1, instances.Count) - 1) / Math.Max(1, instances.Count);
        var preferred = catalog.Feeds.OrderByDescending(f => Preference(f.Name)).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var owned = OwnedFeeds;
        foreach (var feed in preferred.Where(f => owned.Contains(f.Name)).Skip(share))
        {
            await LetGoAsync(feed.Name, rebalancing: true);
        }

        if (!takeFeeds)
        {
            return;
        }

        foreach (var feed in preferred)
        {
            // The host stops in two steps: ingestions drain as soon as it begins to stop, and this loop's token is
            // cancelled only later. A heartbeat in between must not take back a feed it has just drained and let go.
            if (OwnedFeeds.Count >= share || stoppingToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                break;
            }

            if (!OwnedFeeds.Contains(feed.Name) && !_failed.Contains(feed.Name) && await TryTakeAsync(feed.Name, stoppingToken) is { } lease)
            {
                await StartAsync(feed, lease, feed.Url ?? emulator!, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Takes a feed's lease, or returns null while a live instance holds it. A lease whose owner hangs (no heartbeat
    /// within <c>Fleet:InstanceTimeout</c>, and its session as quiet) is taken away from it: the server ends the owner's
    /// session, which releases the lease and fails any batch it had in flight, and this instance waits up to one
    /// heartbeat for the session to let go. A SQLite lease is a lock file that only its process's end releases: said once.
    /// </summary>
    private async Task<FeedLease?> TryTakeAsync(string feed, CancellationToken stoppingToken)
    {
        if (await engine.TryLeaseFeedAsync(feed, TimeSpan.Zero, stoppingToken) is { } lease)
        {
            return lease;
        }

        if (!fleet.CanEndHungLeases)
        {
            if (_view.Owners.GetValueOrDefault(feed) is { } owner && _view.OwnerOf(feed) is null && SayOnce(feed, owner))
            {
                LogHeldByHungProcess(feed, owner, _options.InstanceTimeout.TotalSeconds);
            }

            return null;
        }

        EndedLease? ended;
        try
        {
            ended = await fleet.EndHungLeaseAsync(feed, _options.InstanceTimeout, stoppingToken);
        }
        catch (DbException e) when (!TransientFaults.IsTransient(e))
        {
            // Most likely a role that may not end another role's session; retried every heartbeat, said once.
            if (SayOnce(feed, e.Message))
            {
                LogCannotEndHungLease(feed, e.Message);
            }

            return null;
        }

        if (ended is null)
        {
            return null;
        }

        LogEndedHungLease(feed, ended.Owner ?? "no instance", ended.Pid, ended.QuietSeconds);
        return await engine.TryLeaseFeedAsync(feed, _options.HeartbeatInterval, stoppingToken);
    }

    private bool SayOnce(string feed, string what)
    {
        if (_saidHeld.GetValueOrDefault(feed) == what)
        {
            return false;
        }

        _saidHeld[feed] = what;
        return true;
    }

    /// <summary>The server sessions holding this instance's leases, named in its heartbeat: while it is alive, no standby ends them.</summary>
    private int[] LeaseSessions()
    {
        lock (_owned)
        {
            return [.. _owned.Values.Select(o => o.Lease.SessionPid).OfType<int>()];
        }
    }

    private async Task StartAsync(IngestedFeed feed, FeedLease lease, Uri url, CancellationToken stoppingToken)
    {
        _saidHeld.Remove(feed.Name);
        string? previousOwner;
        try
        {
            previousOwner = await fleet.ClaimAsync(lease, InstanceId, stoppingToken);
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }

        if (previousOwner is not null)
        {
            LogTookOver(feed.Name, previousOwner);
        }
        else
        {
            LogTook(feed.Name);
        }
        // Reading stops as soon as the host begins to stop, together with the embedded emulator's stream; it then drains.
        var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        var ingestion = ActivatorUtilities.CreateInstance<FeedIngestion>(services, feed, lease);
        var running = Task.Run(() => ingestion.RunAsync(url, stop.Token), CancellationToken.None);
        lock (_owned)
        {
            _owned[feed.Name] = new Owned(feed, lease, stop, running);
        }
    }

    /// <summary>
    /// Forgets the ingestions that ended by themselves, so their feeds can be taken again: a lost lease, a failure, or a
    /// drain because the host is stopping (which can end an ingestion while a heartbeat is under way). Each is let go
    /// as <see cref="EndAsync"/> decides: the record of its owner is cleared unless the lease was lost.
    /// </summary>
    private async Task ReapEndedAsync()
    {
        List<Owned> ended;
        lock (_owned)
        {
            ended = [.. _owned.Values.Where(o => o.Running.IsCompleted)];
        }

        foreach (var owned in ended)
        {
            await EndAsync(owned);
        }
    }

    private async Task LetGoAsync(string feed, bool rebalancing)
    {
        Owned? owned;
        lock (_owned)
        {
            _owned.TryGetValue(feed, out owned);
        }

        if (owned is not null)
        {
            await owned.Stop.CancelAsync();
            await EndAsync(owned);
            if (rebalancing)
            {
                LogGaveBack(feed);
            }
        }
    }

    private async Task LetGoOfEverythingAsync()
    {
        foreach (var feed in OwnedFeeds)
        {
            await LetGoAsync(feed, rebalancing: false);
        }

        try
        {
            await fleet.LeaveAsync(InstanceId, CancellationToken.None);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            LogFleetUnreachable(e.Message);
        }
    }

    /// <summary>
    /// Waits for an ingestion to end (drained, failed, or its lease lost), then lets its feed go, clearing the record
    /// of its owner while the lease is still held, unless the lease was lost (the feed may have a new owner already).
    /// </summary>
    private async Task EndAsync(Owned owned)
    {
        var name = owned.Feed.Name;
        var lost = false;
        try
        {
            await owned.Running;
        }
        catch (FeedLeaseLostException)
        {
            lost = true;
        }
        catch (OperationCanceledException)
        {
            // Stopped before it had begun (the host stopping as it started): ended, and let go like any other.
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            LogIngestionInterrupted(name, e.Message);
        }
        catch (Exception e)
        {
            // It would fail the same way at every heartbeat: said once, shown as failing, and left alone until a restart.
            LogIngestionFailed(e, name);
            owned.Feed.Status.CommitFailed(e.Message, failing: true, time.GetUtcNow());
            _failed.Add(name);
        }

        if (!lost)
        {
            try
            {
                await fleet.ReleaseAsync(owned.Lease, InstanceId, CancellationToken.None);
            }
            catch (Exception e) when (e is FeedLeaseLostException || TransientFaults.IsTransient(e))
            {
                LogFleetUnreachable(e.Message);
            }
        }

        await owned.Lease.DisposeAsync();
        owned.Stop.Dispose();
        owned.Feed.Status.Enter(ConnectionState.Standby, time.GetUtcNow());
        lock (_owned)
        {
            _owned.Remove(name);
        }

        if (!lost)
        {
            LogReleased(name);
        }
    }

    /// <summary>How much this instance prefers <paramref name="feed"/>: each instance ranks the feeds in its own order.</summary>
    private ulong Preference(string feed) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{InstanceId}/{feed}")), 0);

    private sealed record Owned(IngestedFeed Feed, FeedLease Lease, CancellationTokenSource Stop, Task Running);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId} joined the fleet; {Feeds} {FeedNoun} configured")]
    private partial void LogJoined(string instanceId, int feeds, string feedNoun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took feed {Feed}, which no instance held")]
    private partial void LogTook(string feed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over feed {Feed} from {PreviousOwner}")]
    private partial void LogTookOver(string feed, string previousOwner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended the session holding the lease of feed {Feed} (server process {Pid}, quiet for {QuietSeconds:F1} s, last named by {Owner}): no instance alive within Fleet:InstanceTimeout names it, so this instance takes the feed over")]
    private partial void LogEndedHungLease(string feed, string owner, int pid, double quietSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Feed} is held by {Owner}, which has not said it is alive for {TimeoutSeconds:F1} s; a SQLite lease is a lock file that only the end of its process releases, so the feed waits until that process resumes or is killed")]
    private partial void LogHeldByHungProcess(string feed, string owner, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot take feed {Feed} from its hung owner: ending the session that holds its lease failed ({Reason}); every instance needs the same database role, or pg_signal_backend and pg_read_all_stats (README: A fleet of instances)")]
    private partial void LogCannotEndHungLease(string feed, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Giving feed {Feed} back: this instance holds more than its share")]
    private partial void LogGaveBack(string feed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released feed {Feed}: another instance may take it, resuming after its last committed event")]
    private partial void LogReleased(string feed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingesting feed {Feed} failed with a fault that is not transient: it is not taken again by this instance until Gradebook is restarted")]
    private partial void LogIngestionFailed(Exception exception, string feed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingesting feed {Feed} was interrupted ({Reason}); it is taken again at a heartbeat")]
    private partial void LogIngestionInterrupted(string feed, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fleet's records cannot be reached ({Reason}); trying again at every heartbeat")]
    private partial void LogFleetUnreachable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The fleet's records can be reached again")]
    private partial void LogFleetReachable();
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Live;

/// <summary>
/// Reads the change log's new rows from the store every <see cref="LiveOptions.PollInterval"/>, keeps the newest
/// <see cref="LiveOptions.WindowSize"/> of them in memory with their SSE frames, and wakes the live streams. Every
/// client near the end of the log is served from this one read, so 200 clients cost one query, not 200; a client
/// further back reads the store itself. Polling the durable log, rather than being told by this process's writers,
/// is what lets a client of one instance see changes committed by another.
/// </summary>
internal sealed partial class ChangeFeed(
    ChangeLogStore store, IOptions<LiveOptions> options, TimeProvider time, ILogger<ChangeFeed> logger) : BackgroundService
{
    private const int PageSize = 5000;

    private readonly LiveOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly List<LiveChange> _window = [];
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every change with an id above this and up to <see cref="_tail"/> is in the window; long.MaxValue until the first read.</summary>
    private long _floor = long.MaxValue;
    private long _tail = -1;
    private int _clients;

    /// <summary>How many erasures the window has seen; -1 before it reads the count.</summary>
    private long _erasures = -1;

    /// <summary>Completes when the next changes arrive: take it before reading, so none can slip between the read and the wait.</summary>
    public Task NextChange
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    /// <summary>The newest change read from the log; -1 before the first read.</summary>
    public long Tail
    {
        get
        {
            lock (_gate)
            {
                return _tail;
            }
        }
    }

    /// <summary>A live client connected: the log is read while there is at least one.</summary>
    public void Attach() => Interlocked.Increment(ref _clients);

    public void Detach() => Interlocked.Decrement(ref _clients);

    /// <summary>The SSE frame of a change, as every client is sent it.</summary>
    public static byte[] Frame(ChangeRow row)
    {
        var json = JsonSerializer.Serialize(LiveResult.Of(row), LiveJsonContext.Default.LiveResult);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {row.Id}\nevent: result\ndata: {json}\n\n"));
    }

    /// <summary>
    /// The window's changes after <paramref name="after"/> that <paramref name="filter"/> lets through, at most
    /// <paramref name="max"/>, and the id the client has now seen everything up to; null when the window does not
    /// reach back to <paramref name="after"/>, so the client must read the store.
    /// </summary>
    public (List<LiveChange> Changes, long SeenUpTo)? TryRead(long after, LiveFilter filter, int max)
    {
        lock (_gate)
        {
            if (after < _floor)
            {
                return null;
            }

            var changes = new List<LiveChange>();
            var start = FirstAfter(after);
            for (var i = start; i < _window.Count; i++)
            {
                if (filter.Matches(_window[i]))
                {
                    changes.Add(_window[i]);
                    if (changes.Count == max)
                    {
                        return (changes, _window[i].Id);
                    }
                }
            }

            return (changes, Math.Max(after, _tail));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextTrim = time.GetUtcNow();
        var retry = new ReconnectPolicy(_options.PollInterval, TimeSpan.FromSeconds(30), new Random());
        var failures = 0;

        // An erasure on this instance drops the window at once, before any client can be served from it; one on another
        // instance, at the next read, when the count of erasures moves: the window never replays an erased change.
        store.Erased += DropWindow;
        stoppingToken.Register(() => store.Erased -= DropWindow);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = _options.PollInterval;
            var failedNow = false;
            try
            {
                if (time.GetUtcNow() >= nextTrim)
                {
                    nextTrim = time.GetUtcNow() + _options.TrimInterval;
                    var removed = await store.TrimAsync(_options.RetainChanges, stoppingToken);
                    if (removed > 0)
                    {
                        LogTrimmed(logger, removed, _options.RetainChanges);
                    }
                }

                // Nobody is watching: the window is dropped rather than kept up, so ingestion alone pays nothing for it. A
                // client that connects meanwhile reads the store until the next read starts the window again.
                if (Volatile.Read(ref _clients) == 0)
                {
                    if (_tail >= 0)
                    {
                        DropWindow();
                    }
                }
                else if (_tail < 0)
                {
                    var last = await store.LastIdAsync(stoppingToken);
                    lock (_gate)
                    {
                        _floor = _tail = last;
                    }
                }

                if (_tail >= 0)
                {
                    var erasures = await store.ErasureCountAsync(stoppingToken);
                    var seen = Interlocked.Exchange(ref _erasures, erasures);
                    if (seen >= 0 && seen != erasures)
                    {
                        DropWindow();
                    }
                }

                while (_tail >= 0)
                {
                    var rows = await store.ReadAsync(_tail, long.MaxValue, null, null, PageSize, stoppingToken);
                    if (rows.Count > 0)
                    {
                        Append(rows);
                    }

                    if (rows.Count < PageSize)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && TransientFaults.IsTransient(e))
            {
                // Tried again with backoff, and said once until a read succeeds.
                if (failures == 0)
                {
                    LogReadFailed(logger, e);
                }

                delay = retry.Delay(failures++, null);
                failedNow = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug would fail the same way every time: said once, and the window is given up. Live clients go on
                // reading the store themselves, at each heartbeat.
                LogWindowAbandoned(logger, e);
                DropWindow();
                return;
            }

            if (failures > 0 && !failedNow)
            {
                LogReadRecovered(logger, failures);
                failures = 0;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Append(List<ChangeRow> rows)
    {
        var changes = rows.Select(r => new LiveChange(r.Id, r.Exam, r.StudentId, Frame(r))).ToList();
        TaskCompletionSource woken;
        lock (_gate)
        {
            // Dropped while these were read (an erasure): they may hold erased changes, and the next read starts again.
            if (_tail < 0)
            {
                return;
            }

            _window.AddRange(changes);
            _tail = changes[^1].Id;

            // Trimmed in slices, so the copy is paid once per many appends.
            if (_window.Count > _options.WindowSize + (_options.WindowSize / 4))
            {
                var excess = _window.Count - _options.WindowSize;
                _floor = _window[excess - 1].Id;
                _window.RemoveRange(0, excess);
            }

            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.SetResult();
    }

    private int FirstAfter(long id)
    {
        int low = 0, high = _window.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_window[middle].Id <= id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Change log trimmed: {Removed} changes removed, the newest {Kept} kept")]
    private static partial void LogTrimmed(ILogger logger, int removed, long kept);

    /// <summary>Forgets the window: until it is read again, every live client reads the store itself.</summary>
    private void DropWindow()
    {
        lock (_gate)
        {
            _window.Clear();
            _floor = long.MaxValue;
            _tail = -1;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change log could not be read; trying again with backoff")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The change log can be read again, after {Failures} failed reads")]
    private static partial void LogReadRecovered(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the change log failed with a fault that is not transient: the live window is given up, and live clients read the store at each heartbeat until Gradebook is restarted")]
    private static partial void LogWindowAbandoned(ILogger logger, Exception exception);
}

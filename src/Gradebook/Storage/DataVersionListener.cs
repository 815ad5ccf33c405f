using System.Globalization;
using Npgsql;

namespace Gradebook.Storage;

/// <summary>
/// Tells <see cref="DataVersionSource"/> of every data version committed, by any instance, so that reads need not ask
/// the database: on PostgreSQL with reads on the primary, one connection of its own LISTENs on <see cref="Channel"/>
/// (which every commit notifies, <c>writes/bump_data_version.postgres.sql</c>) and waits. On each (re)connection it
/// LISTENs first and only then reads the version, so every commit is either in that read or announced after it. A lost
/// connection is retried after a jittered backoff (1 s doubling to 30 s), logged once when lost and once when back;
/// meanwhile reads ask the database, as they always do on SQLite and with a read replica, where this does nothing.
/// </summary>
internal sealed partial class DataVersionListener(
    DataVersionSource source, StoreEngine engine, ReadReplica replica, TimeProvider time, ILogger<DataVersionListener> logger) : BackgroundService
{
    public const string Channel = "gradebook_data_version";

    private static readonly ReconnectPolicy Retry = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), Random.Shared);

    /// <summary>
    /// After this long without a notification the version is read on the connection: that proves the connection alive
    /// (a silently dropped one fails within the command timeout) and keeps it from looking idle to anything in between.
    /// </summary>
    private static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (engine is not PostgresEngine postgres || replica.Configured)
        {
            return;
        }

        var failures = 0;
        try
        {
            while (true)
            {
                try
                {
                    await using var connection = await postgres.OpenListenerAsync(stoppingToken);
                    connection.Notification += (_, e) => Announced(e.Payload);
                    await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken);
                    }

                    source.StartListening(await ReadVersionAsync(connection, stoppingToken));
                    if (failures == 0)
                    {
                        LogListening(Channel);
                    }
                    else
                    {
                        LogListeningAgain();
                        failures = 0;
                    }

                    while (true)
                    {
                        if (!await connection.WaitAsync(QuietCheck, stoppingToken))
                        {
                            source.Announce(await ReadVersionAsync(connection, stoppingToken));
                        }
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested && TransientFaults.IsTransient(e))
                {
                    source.StopListening();
                    if (failures++ == 0)
                    {
                        LogNotListening(e.Message);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Not a fault of the connection: trying again would fail the same way. Reads stay right without
                    // the listener (each asks the database), so it ends here, once and loudly.
                    source.StopListening();
                    LogListenerFailed(e);
                    return;
                }

                await Task.Delay(Retry.Delay(failures - 1, retryHint: null), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            source.StopListening();
        }
    }

    private async Task<long> ReadVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<long>(connection, null, Sql.GetDataVersion, null, cancellationToken)).Single();

    private void Announced(string payload)
    {
        if (long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && !source.Announce(version))
        {
            LogOlder(version);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening on channel {Channel} for new data versions: reads take the version from notifications")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not listening for new data versions ({Reason}): reads ask the database for the version until the connection is back")]
    private partial void LogNotListening(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped listening for new data versions after a fault that is not transient: every read asks the database for the version")]
    private partial void LogListenerFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for new data versions again: reads take the version from notifications")]
    private partial void LogListeningAgain();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Data version {Version} was announced after a newer one was known; the newer one stays")]
    private partial void LogOlder(long version);
}

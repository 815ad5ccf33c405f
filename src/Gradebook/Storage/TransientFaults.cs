using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Gradebook.Storage;

/// <summary>
/// The one rule for what is worth trying again: a fault of the database's availability (busy, locked, the connection
/// lost, the disk), never of the code or the data. Every loop that retries asks this, and retries nothing else: a
/// programming error fails the same way every time, so retrying it is a silent outage.
/// </summary>
internal static class TransientFaults
{
    // SQLite's primary result codes (sqlite3.h): another connection holds the lock, a table is locked, an I/O error,
    // the disk is full. Each clears by itself or by an operator's hand, without a change to the code.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;

    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException e => e.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull,

        // The driver's own judgement; Npgsql's: a lost or refused connection, a serialization failure, a deadlock, a
        // lock or statement timeout, the server shutting down or out of resources.
        DbException e => e.IsTransient,

        // A missing file or folder is a setting to fix, not a fault that passes.
        FileNotFoundException or DirectoryNotFoundException => false,
        TimeoutException or IOException or SocketException => true,
        _ => false,
    };
}

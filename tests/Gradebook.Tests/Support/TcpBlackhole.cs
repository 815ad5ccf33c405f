// Hand-written: a network partition leaves both ends' sockets open, which no proxy or fault library at hand can mimic.
using System.Net;
using System.Net.Sockets;

namespace Gradebook.Tests.Support;

/// <summary>
/// A TCP proxy to a loopback server that can be cut: it then forwards nothing in either direction and closes nothing,
/// as a network partition looks to both ends (each still believes the other is there). Healed, it forwards what it held
/// back, in order, and then passes on the closes that happened meanwhile.
/// </summary>
internal sealed class TcpBlackhole : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private volatile TaskCompletionSource _open = Opened();

    private TcpBlackhole(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public static TcpBlackhole Start(int targetPort) => new(targetPort);

    /// <summary>From now on nothing passes, and nothing is closed.</summary>
    public void Cut()
    {
        if (_open.Task.IsCompleted)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Forwarding resumes with what was held back.</summary>
    public void Heal() => _open.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Heal();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections, _accepting];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(ForwardAsync(client));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            // A connection opened while cut is accepted (the kernel does that) but reaches the server only once healed.
            await PassableAsync();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            // Stopping, or the server refused: the client sees its connection close.
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, _stop.Token);
                await PassableAsync();
                if (read == 0)
                {
                    to.Client.Shutdown(SocketShutdown.Send);
                    return;
                }

                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // One end reset, or stopping: reset both, as the end of a route would.
            from.Client.Close(0);
            to.Client.Close(0);
        }
    }

    private Task PassableAsync() => _open.Task.WaitAsync(_stop.Token);
}

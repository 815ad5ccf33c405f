using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gradebook.Fleet;

/// <summary>Where the built-in emulator this host serves can be read from: its own address, on loopback.</summary>
internal static class EmbeddedEmulator
{
    public static async Task<Uri> UrlAsync(IServer server, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        // The embedded emulator is served by this host, so its address is known only once the server listens.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The embedded emulator needs the host to listen on an HTTP address; set Feed:Url instead.");
        var loopback = address
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
        return new Uri(new Uri(loopback), "/scores");
    }
}

using System.Net;
using System.Net.Sockets;

namespace Gradebook.Tests.Support;

internal static class Ports
{
    /// <summary>A loopback port free a moment ago, for a server a test starts.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

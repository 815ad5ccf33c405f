using System.Diagnostics.Metrics;

namespace Gradebook.Live;

/// <summary>The live stream's instruments, on the <c>Gradebook</c> meter.</summary>
internal sealed class LiveMetrics
{
    private readonly UpDownCounter<long> _clients;
    private readonly Counter<long> _dropped;

    public LiveMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GradebookMeter.Name);
        _clients = meter.CreateUpDownCounter<long>("live.clients", "{client}", "Clients connected to /scores/live.");
        _dropped = meter.CreateCounter<long>("live.dropped", "{client}", "Live clients disconnected for not keeping up, by reason.");
    }

    public void Connected() => _clients.Add(1);

    public void Disconnected() => _clients.Add(-1);

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

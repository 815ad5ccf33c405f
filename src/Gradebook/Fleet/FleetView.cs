using Gradebook.Storage;

namespace Gradebook.Fleet;

/// <summary>What this instance knows of the fleet, as of its last heartbeat.</summary>
internal sealed record FleetView(IReadOnlyList<InstanceRow> Instances, IReadOnlyDictionary<string, string?> Owners)
{
    public static readonly FleetView Empty = new([], new Dictionary<string, string?>());

    /// <summary>The live instance that owns <paramref name="feed"/>, or null.</summary>
    public string? OwnerOf(string feed) =>
        Owners.GetValueOrDefault(feed) is { } owner && Instances.Any(i => i.Id == owner) ? owner : null;
}

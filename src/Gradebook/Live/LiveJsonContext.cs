using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gradebook.Live;

/// <summary>Source-generated JSON for the live stream's events, serialized once per change for every client.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveResult))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;

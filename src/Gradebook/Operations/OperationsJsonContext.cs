using System.Text.Json;
using System.Text.Json.Serialization;
using Gradebook.Api;

namespace Gradebook.Operations;

/// <summary>Source-generated JSON for the operators' response bodies: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IngestionReport))]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(Page<RejectedEvent>))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class OperationsJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gradebook.Imports;

/// <summary>
/// Source-generated JSON for the import's answers: the receipt, and the values a refusal's problem details carry as
/// extensions (the import id, the invalid results), which are serialized by their runtime type.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ImportReceipt))]
[JsonSerializable(typeof(List<InvalidResult>))]
[JsonSerializable(typeof(long))]
internal sealed partial class ImportsJsonContext : JsonSerializerContext;

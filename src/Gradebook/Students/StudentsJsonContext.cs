using System.Text.Json;
using System.Text.Json.Serialization;
using Gradebook.Api;

namespace Gradebook.Students;

/// <summary>Source-generated JSON for the students' response bodies: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Page<StudentSummary>))]
[JsonSerializable(typeof(StudentDetails))]
[JsonSerializable(typeof(ErasureReport))]
[JsonSerializable(typeof(Page<ErasureEntry>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
internal sealed partial class StudentsJsonContext : JsonSerializerContext;

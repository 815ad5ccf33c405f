using System.Text.Json;
using System.Text.Json.Serialization;
using Gradebook.Exams;
using Gradebook.Imports;
using Gradebook.Live;
using Gradebook.Operations;
using Gradebook.Students;

namespace Gradebook.Api;

/// <summary>Source-generated JSON for every response body: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Page<StudentSummary>))]
[JsonSerializable(typeof(StudentDetails))]
[JsonSerializable(typeof(Page<ExamSummary>))]
[JsonSerializable(typeof(ExamReport))]
[JsonSerializable(typeof(ResultAggregate))]
[JsonSerializable(typeof(ImportReceipt))]
[JsonSerializable(typeof(List<InvalidResult>))]
[JsonSerializable(typeof(IngestionReport))]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(Page<RejectedEvent>))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(LiveResult))]
[JsonSerializable(typeof(long))]
internal sealed partial class GradebookJsonContext : JsonSerializerContext;

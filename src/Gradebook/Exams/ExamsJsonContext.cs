using System.Text.Json;
using System.Text.Json.Serialization;
using Gradebook.Api;

namespace Gradebook.Exams;

/// <summary>Source-generated JSON for the exams' and results' response bodies: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Page<ExamSummary>))]
[JsonSerializable(typeof(ExamReport))]
[JsonSerializable(typeof(ExamQuestions))]
[JsonSerializable(typeof(MarkedSheet))]
[JsonSerializable(typeof(ResultAggregate))]
internal sealed partial class ExamsJsonContext : JsonSerializerContext;

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gradebook.Api;

/// <summary>
/// What the OpenAPI document says of the API as a whole: its title, licence, server and the description of each tag,
/// so that linters and client generators take it as it is.
/// </summary>
internal sealed class ApiDocument : IOpenApiDocumentTransformer
{
    /// <summary>Each tag an endpoint group declares (<c>WithTags</c>), and what its operations are about.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Students"] = "Students with at least one result, and each one's results, average and answer sheets.",
        ["Exams"] = "Exams with at least one result, and each one's results, distribution and item analysis.",
        ["Results"] = "Aggregates of an exam's results.",
        ["Imports"] = "Whole documents of results posted by exam boards' grading machines (Markr XML, CSV, JSON).",
        ["Live"] = "Every change to the stored results, as Server-Sent Events.",
        ["Ingestion"] = "The state of the feeds being ingested, the events they rejected, and the fleet of instances.",
        ["Student data"] = "A student's data on request: everything held about one student, exported or erased, and the audit trail of erasures.",
        ["Emulator"] = "The built-in emulator of the score feed, served when no feed is configured.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Gradebook";
        document.Info.Description = "Test scores ingested from live feeds and imported documents, stored in SQL and answered over HTTP.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };

        // The host the document was fetched from: it describes this instance, whatever address a client reached it by.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The Gradebook that serves this document." }];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description = TagDescriptions.TryGetValue(tag.Name ?? "", out var description)
                ? description
                : throw new InvalidOperationException($"The OpenAPI tag '{tag.Name}' has no description in {nameof(ApiDocument)}.");
        }

        return Task.CompletedTask;
    }
}

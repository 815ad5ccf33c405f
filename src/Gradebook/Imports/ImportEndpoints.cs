using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Gradebook.Imports;

/// <summary>The answer to an accepted document: its id in the import record, how many results it held, and its name conflicts.</summary>
internal sealed record ImportReceipt(long ImportId, int ResultCount, IReadOnlyList<NameConflictResponse> NameConflicts);

/// <summary>A student id that now has more than one name on record, with every one of them.</summary>
internal sealed record NameConflictResponse(string StudentId, IReadOnlyList<NameResponse> Names)
{
    public static NameConflictResponse From(NameConflict conflict) =>
        new(conflict.StudentId, [.. conflict.Names.Select(n => new NameResponse(n.FirstName, n.LastName))]);
}

/// <summary>One name a student id has been given; a part the documents left out is null.</summary>
internal sealed record NameResponse(string? FirstName, string? LastName);

internal static class ImportEndpoints
{
    public static IEndpointRouteBuilder MapImports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/import").WithTags("Imports")
            .RequireAuthorization(Scopes.ScoresImport).RequireRateLimiting(RateLimits.Imports);

        group.MapPost("/", Import)
            .WithName("importMarkrDocument")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Described here rather than with Accepts(), whose bare 415 would pre-empt the handler's own, which says what to send.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = DocumentFormats.All.ToDictionary(f => f.MediaType, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } }),
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Imports a document of answer sheets (Markr XML, CSV or JSON, by its Content-Type): all of its sheets, or none of them.");

        return routes;
    }

    private static async Task<Results<Created<ImportReceipt>, ProblemHttpResult>> Import(
        HttpContext context, Importer importer, IOptions<ImportOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (DocumentFormats.ForContentType(request.ContentType) is not { } format)
        {
            var accepted = DocumentFormats.All.Select(f => f.MediaType).ToList();
            return Problem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type.",
                $"A document is sent with one of the Content-Types {string.Join(", ", accepted)} (Markr XML, CSV, JSON), not '{request.ContentType}'.",
                new() { ["accepted"] = accepted });
        }

        var limit = options.Value.MaxDocumentBytes;
        var document = request.ContentLength > limit ? null : await ReadBodyAsync(context, limit, cancellationToken);
        if (document is null)
        {
            return Problem(
                StatusCodes.Status413PayloadTooLarge, "The document is too large.", $"A document may be at most {limit} bytes.");
        }

        var outcome = await importer.ImportAsync(document, format, Clients.Name(context.User));
        return outcome.Rejection switch
        {
            null => TypedResults.Created((string?)null, new ImportReceipt(outcome.ImportId, outcome.ResultCount, [.. outcome.NameConflicts.Select(NameConflictResponse.From)])),
            { Reason: ImportRejectionReason.InvalidResults } rejection => Problem(
                StatusCodes.Status422UnprocessableEntity,
                "The document has invalid results.",
                rejection.Message,
                new() { ["importId"] = outcome.ImportId, ["invalidResults"] = rejection.InvalidResults }),
            { Reason: ImportRejectionReason.NotResults } rejection => Problem(
                StatusCodes.Status400BadRequest,
                $"The document is not a {format.Name} results document.",
                rejection.Message,
                new() { ["importId"] = outcome.ImportId }),
            { Reason: ImportRejectionReason.MalformedDocument } rejection => Problem(
                StatusCodes.Status400BadRequest,
                $"The body is not well-formed {format.Name}.",
                rejection.Message,
                new() { ["importId"] = outcome.ImportId }),
            { } rejection => Problem(
                StatusCodes.Status400BadRequest,
                "The body is not well-formed XML.",
                rejection.Message,
                new() { ["importId"] = outcome.ImportId }),
        };
    }

    /// <summary>The whole body, or null as soon as it proves longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        // Lets the server refuse the body too, in place of its own default limit, for bodies sent without a length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream((int)Math.Min(context.Request.ContentLength ?? 64 * 1024, limit));
        var chunk = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
}

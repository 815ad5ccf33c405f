using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Gradebook.Api;

/// <summary>
/// An RFC 4180 CSV answer (CsvHelper), written row by row as the rows are read, with a header row and a file name.
/// A field that a spreadsheet would take for a formula (starting with =, +, -, @, tab or CR) is prefixed with ',
/// as spreadsheet tools expect.
/// </summary>
/// <param name="notFound">The 404's detail when there are no rows (a single resource), or null when none is fine (a list).</param>
internal sealed class CsvResult(
    string fileName, string[] header, Func<CancellationToken, IAsyncEnumerable<string[]>> records, string? notFound = null)
    : IResult
{
    public const string MediaType = "text/csv";

    private static readonly CsvWriterOptions Options = new() { NewLine = "\r\n", Injection = CsvInjection.Escape };

    /// <summary>The values <c>?format=</c> takes; JSON is also what a read answers without it.</summary>
    public static readonly string[] Formats = ["json", "csv"];

    /// <summary>What is wrong with the request's <c>?format=</c>, or null when it is absent or one of <see cref="Formats"/>.</summary>
    public static string? FormatProblem(HttpRequest request) =>
        request.Query.TryGetValue("format", out var format) && !Formats.Any(f => string.Equals(f, format, StringComparison.OrdinalIgnoreCase))
            ? $"format must be one of {string.Join(", ", Formats.Select(f => $"'{f}'"))}, got '{format}'."
            : null;

    /// <summary>Whether the client asked for CSV: <c>?format=csv</c>, or <c>text/csv</c> in Accept.</summary>
    public static bool IsWanted(HttpRequest request) =>
        string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
        || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);

    /// <summary>A number as the JSON answers write it, shortest round-trip form.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async Task ExecuteAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        await using var rows = records(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var any = await rows.MoveNextAsync();
        if (!any && notFound is not null)
        {
            await Problems.NotFound(notFound).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = $"{MediaType}; charset=utf-8; header=present";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        context.Response.Headers.ContentDisposition = disposition.ToString();

        await using var csv = CsvWriter.Create(context.Response.Body, Options, leaveOpen: true);
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(cancellationToken);
        while (any)
        {
            foreach (var field in rows.Current)
            {
                csv.WriteField(field);
            }

            await csv.EndRecordAsync(cancellationToken);
            any = await rows.MoveNextAsync();
        }

        await csv.FlushAsync(cancellationToken);
    }
}

internal static class CsvResultExtensions
{
    private const string FormatSchema = "AnswerFormat";

    /// <summary>
    /// Marks a read that answers JSON or CSV: a <c>?format=</c> it does not serve is a 400 naming the formats. The
    /// OpenAPI document lists <c>format</c> and, beside the JSON answer its <c>Ok</c> declares, the CSV one.
    /// </summary>
    public static RouteHandlerBuilder AnswersJsonOrCsv(this RouteHandlerBuilder builder) =>
        builder
            .AddEndpointFilter(async (context, next) =>
                CsvResult.FormatProblem(context.HttpContext.Request) is { } problem ? Problems.Invalid("format", problem) : await next(context))
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                // One named schema for every read, so a generated client has one type for it, not one per operation.
                context.Document!.AddComponent(
                    FormatSchema, new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. CsvResult.Formats.Select(f => (JsonNode)f)] });
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "format",
                    In = ParameterLocation.Query,
                    Description = "The answer's format (CSV also when Accept asks for text/csv); JSON without it.",
                    Schema = new OpenApiSchemaReference(FormatSchema, context.Document),
                });
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                {
                    content[CsvResult.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                }

                return Task.CompletedTask;
            });
}

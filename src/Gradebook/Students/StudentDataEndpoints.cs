using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Gradebook.Students;

/// <summary>A student's data on request (<see cref="StudentData"/>) and the trail of erasures, for the scope students:admin.</summary>
internal static class StudentDataEndpoints
{
    private const string ExportSuffix = "/export";
    private const string ZipMediaType = "application/zip";

    public static IEndpointRouteBuilder MapStudentData(this IEndpointRouteBuilder routes)
    {
        var students = routes.MapGroup("/students").WithTags("Student data").RequireAuthorization(Scopes.StudentsAdmin);

        students.MapGet("/{studentId}/export", Export)
            .WithName("exportStudent")
            .WithSummary("Everything Gradebook holds about one student, streamed: JSON, or with ?format=zip (or Accept: application/zip) a ZIP of the JSON and the original documents.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: [ZipMediaType])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        students.MapDelete("/{**studentId}", Erase)
            .WithName("eraseStudent")
            .WithSummary("Erases one student everywhere (results, names, answers, the raw record, the live log, cached answers) and records who did it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGroup("/audit").WithTags("Student data").RequireAuthorization(Scopes.StudentsAdmin)
            .MapGet("/erasures", ListErasures)
            .WithName("listErasures")
            .WithSummary("The trail of erasures, oldest first: who, when, the student as a one-way hash, and how many rows of each table.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        return routes;
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        string studentId, [FromQuery(Name = "format")] string? format, HttpContext context, StudentData data, CancellationToken cancellationToken)
    {
        if (ExactRouteValues.Between(context, studentId, StudentEndpoints.Prefix, ExportSuffix) is not { } id)
        {
            return ExactRouteValues.NotUtf8("studentId");
        }

        if (StudentIds.Problem(id) is { } problem)
        {
            return Problems.Invalid("studentId", problem);
        }

        if (format is not (null or "json" or "zip"))
        {
            return Problems.Invalid("format", $"format must be json or zip, got '{format}'.");
        }

        if (!await data.KnowsAsync(id, cancellationToken))
        {
            return Problems.NotFound($"Gradebook holds nothing about student '{id}'.");
        }

        var zip = format == "zip" || (format is null && WantsZip(context.Request));
        if (zip && context.Features.Get<IHttpBodyControlFeature>() is { } body)
        {
            // ZipArchive writes some of an entry synchronously even when created with CreateAsync; for this one rare
            // request a blocked thread is the lesser cost than holding the whole ZIP in memory.
            body.AllowSynchronousIO = true;
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"student-export.{(zip ? "zip" : "json")}");
        return zip
            ? TypedResults.Stream(body => data.ExportZipAsync(id, body, context.RequestAborted), ZipMediaType, fileName)
            : TypedResults.Stream(body => data.ExportAsync(id, body, context.RequestAborted), "application/json", fileName);
    }

    private static async Task<Results<Ok<ErasureReport>, ValidationProblem, ProblemHttpResult>> Erase(
        string studentId, HttpContext context, StudentData data, CancellationToken cancellationToken)
    {
        if (ExactRouteValues.Between(context, studentId, StudentEndpoints.Prefix) is not { } id)
        {
            return ExactRouteValues.NotUtf8("studentId");
        }

        if (StudentIds.Problem(id) is { } problem)
        {
            return Problems.Invalid("studentId", problem);
        }

        // Not cancelled with the request: once begun, an erasure commits or rolls back whole whatever the client does.
        return await data.EraseAsync(id, Clients.Name(context.User), CancellationToken.None) is { } report
            ? TypedResults.Ok(report)
            : Problems.NotFound($"Gradebook holds nothing about student '{id}'.");
    }

    private static async Task<Results<Ok<Page<ErasureEntry>>, ValidationProblem>> ListErasures(
        [AsParameters] PageRequest page, StudentData data, CancellationToken cancellationToken)
    {
        if (!page.TryValidate(TryParseAfter, 0L, out var start, out var problem))
        {
            return problem;
        }

        var rows = await data.ErasuresAsync(start.After, start.Limit + 1, cancellationToken);
        return TypedResults.Ok(Paging.Build(
            rows,
            start.Limit,
            r => new ErasureEntry(r.Id, r.ErasedAt, r.Actor, r.StudentHash, JsonSerializer.Deserialize(r.Counts, StudentsJsonContext.Default.IReadOnlyDictionaryStringInt64)!),
            last => string.Create(CultureInfo.InvariantCulture, $"/audit/erasures?after={last.Id}&limit={start.Limit}")));
    }

    /// <summary>Registers <see cref="StudentData"/>, which the endpoints and the command line share.</summary>
    public static IServiceCollection AddStudentData(this IServiceCollection services) => services.AddSingleton<StudentData>();

    private static bool WantsZip(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals(ZipMediaType, StringComparison.OrdinalIgnoreCase));

    private static bool TryParseAfter(string text, out long id, [NotNullWhen(false)] out string? error)
    {
        error = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) ? null : $"after must be an audit entry's id, got '{text}'.";
        return error is null;
    }
}

/// <summary>One entry of the trail of erasures.</summary>
internal sealed record ErasureEntry(long Id, DateTimeOffset ErasedAt, string Actor, string StudentHash, IReadOnlyDictionary<string, long> Counts);

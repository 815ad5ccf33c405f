using System.Diagnostics.CodeAnalysis;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Exams;

internal static class ExamEndpoints
{
    public static IEndpointRouteBuilder MapExams(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/exams").WithTags("Exams")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/", ListExams)
            .WithName("listExams")
            .WithSummary("Exams that have at least one result, in exam number order.")
            .CachedByDataVersion()
            .AnswersJsonOrCsv();

        group.MapGet("/{exam}", GetExam)
            .WithName("getExam")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One exam's results, in student id order, with their average and distribution.")
            .CachedByVersionOf(ExamVersions.Of("exam"))
            .AnswersJsonOrCsv();

        group.MapGet("/{exam}/questions", GetQuestions)
            .WithName("getExamQuestions")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One exam's item analysis over its students' kept answer sheets: each question's facility, discrimination, keyed and given choices, and the test's reliability.")
            .CachedByVersionOf(ExamVersions.Of("exam"))
            .AnswersJsonOrCsv();

        group.MapGet("/{exam}/students/{studentId}/answers", GetStudentAnswers)
            .WithName("getStudentAnswers")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One student's kept answer sheet in an exam, marked against the choices that earned marks, with the student's percentile.")
            .CachedByVersionOf(ExamVersions.Of("exam"));

        return routes;
    }

    private static async Task<Results<Ok<Page<ExamSummary>>, ValidationProblem, CsvResult>> ListExams(
        [AsParameters] PageRequest page, ReadStore store, CancellationToken cancellationToken)
    {
        if (!page.TryValidate(TryParseAfter, -1L, out var start, out var problem))
        {
            return problem;
        }

        if (start.Csv)
        {
            return ExamCsv.List(store);
        }

        var rows = await store.ListExamsAsync(start.After, start.Limit + 1, cancellationToken);
        return TypedResults.Ok(Paging.Build(rows, start.Limit, ExamResponses.AsSummary, last => $"/exams?after={last.Exam}&limit={start.Limit}"));
    }

    private static async Task<Results<Ok<ExamReport>, ValidationProblem, ProblemHttpResult, CsvResult>> GetExam(
        string exam, HttpContext context, ReadStore store, CancellationToken cancellationToken)
    {
        if (!ExamNumbers.TryParse(exam, out var number))
        {
            return Problems.Invalid("exam", $"exam must be a number from 0 to {ExamNumbers.Max}, got '{exam}'.");
        }

        if (CsvResult.IsWanted(context.Request))
        {
            return ExamCsv.One(store, number);
        }

        var report = (await store.GetExamAsync(number, cancellationToken)).AsReport(number);
        return report is null
            ? Problems.NotFound($"No results are recorded for exam {number}.")
            : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<ExamQuestions>, ValidationProblem, ProblemHttpResult, CsvResult>> GetQuestions(
        string exam, HttpContext context, ReadStore store, CancellationToken cancellationToken)
    {
        if (!ExamNumbers.TryParse(exam, out var number))
        {
            return Problems.Invalid("exam", $"exam must be a number from 0 to {ExamNumbers.Max}, got '{exam}'.");
        }

        // The rows are one snapshot; the version only says whether the exam has results at all.
        var rows = await store.GetExamItemSumsAsync(number, cancellationToken);
        if (await store.GetExamVersionAsync(number, cancellationToken) is null)
        {
            return Problems.NotFound($"No results are recorded for exam {number}.");
        }

        var analysis = ItemAnalysis.Of(number, rows);
        return CsvResult.IsWanted(context.Request) ? ExamCsv.Questions(analysis) : TypedResults.Ok(analysis);
    }

    private static async Task<Results<Ok<MarkedSheet>, ValidationProblem, ProblemHttpResult>> GetStudentAnswers(
        string exam, string studentId, HttpContext context, ReadStore store, CancellationToken cancellationToken)
    {
        if (!ExamNumbers.TryParse(exam, out var number))
        {
            return Problems.Invalid("exam", $"exam must be a number from 0 to {ExamNumbers.Max}, got '{exam}'.");
        }

        if (ExactRouteValues.Between(context, studentId, "/students/", "/answers") is not { } id)
        {
            return ExactRouteValues.NotUtf8("studentId");
        }

        if (StudentIds.Problem(id) is { } problem)
        {
            return Problems.Invalid("studentId", problem);
        }

        var sheet = MarkedSheets.Of(number, id, await store.GetStudentSheetAsync(number, id, cancellationToken));
        return sheet is null
            ? Problems.NotFound($"No answer sheet is kept for student '{id}' in exam {number}.")
            : TypedResults.Ok(sheet);
    }

    private static bool TryParseAfter(string text, out long exam, [NotNullWhen(false)] out string? error)
    {
        error = ExamNumbers.TryParse(text, out exam) ? null : $"after must be an exam number from 0 to {ExamNumbers.Max}, got '{text}'.";
        return error is null;
    }
}

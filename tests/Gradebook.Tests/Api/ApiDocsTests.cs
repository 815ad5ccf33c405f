using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

public sealed class ApiDocsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Docs_serves_swagger_ui_over_the_openapi_document()
    {
        await using var factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        using var client = factory.CreateClient();

        using var page = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);

        // The page loads its configuration, which names the document, from a script beside it.
        Assert.Contains("src=\"index.js\"", html, StringComparison.Ordinal);
        Assert.Contains("\"/openapi/v1.json\"", await client.GetStringAsync("/docs/index.js"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Every_operation_has_an_operation_id_of_its_own_for_a_generated_clients_method_names()
    {
        await using var factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        using var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Name: $"{operation.Name} {path.Name}", operation.Value)))
            .ToList();
        Assert.NotEmpty(operations);
        var ids = operations.Select(o => o.Value.TryGetProperty("operationId", out var id) ? id.GetString() : $"none for {o.Name}").ToList();
        Assert.All(ids, id => Assert.Matches("^[a-z][A-Za-z]+$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_openapi_document_lists_get_but_not_the_head_every_get_implies()
    {
        await using var factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        using var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"));

        var students = document.RootElement.GetProperty("paths").GetProperty("/students");
        Assert.True(students.TryGetProperty("get", out _));
        Assert.False(students.TryGetProperty("head", out _));
    }

    [RedoclyFact]
    public async Task The_openapi_document_lints_clean_under_redocly_recommended_rules()
    {
        var path = await SaveDocumentAsync(_ => { });

        using var report = RedoclyCli.Lint(path);

        Assert.Equal(RedoclyCli.Version, report.RootElement.GetProperty("version").GetString());
        var totals = report.RootElement.GetProperty("totals");
        var findings = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity")} {p.GetProperty("ruleId")} at {p.GetProperty("location")[0].GetProperty("pointer")}: {p.GetProperty("message")}");
        Assert.True(
            totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0,
            $"Redocly CLI {RedoclyCli.Version} finds in /openapi/v1.json:\n{string.Join('\n', findings)}");
    }

    [RedoclyFact]
    public async Task The_linter_reports_a_document_without_its_licence()
    {
        var path = await SaveDocumentAsync(document => document["info"]!.AsObject().Remove("license"));

        using var report = RedoclyCli.Lint(path);

        var problem = Assert.Single(report.RootElement.GetProperty("problems").EnumerateArray());
        Assert.Equal("info-license", problem.GetProperty("ruleId").GetString());
        Assert.Equal("warn", problem.GetProperty("severity").GetString());
    }

    /// <summary>The running app's document, changed by <paramref name="change"/>, in a file for the linter.</summary>
    private async Task<string> SaveDocumentAsync(Action<JsonNode> change)
    {
        await using var factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        change(document);
        var path = Path.Combine(_directory.Path, "openapi.json");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        return path;
    }
}

using System.Collections;
using System.Net.ServerSentEvents;
using System.Reflection;
using System.Text.Json;
using Gradebook.Tests.Api.Generated;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

/// <summary>The OpenAPI document proved with a client generated from it (<see cref="ClientGenerator"/>), over real HTTP.</summary>
public sealed class GeneratedClientTests : IAsyncLifetime
{
    private const long Exam = 10393;
    private const string Student = "Beth_Cronin";

    private readonly ApiHost _api = new();

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        await _api.Store.WriteFeedBatchAsync(
            "test",
            [Scores.Event(Student, Exam, 0.5), Scores.Event("Julia.Effertz", Exam, 0.75), Scores.Event(Student, 10394, 0.85), Scores.Raw("{\"studentId\":")],
            CancellationToken.None);
        using var import = await _api.Client.PostAsync("/import", new ByteArrayContent(Markr.Bytes(Markr.Document(
            Markr.Sheet(Student, Exam, null, [("1", "A", 1, 1), ("2", "B", 0, 1)]),
            Markr.Sheet("Julia.Effertz", Exam, null, [("1", "C", 0, 1), ("2", "D", 1, 1)]))))
        {
            Headers = { ContentType = new("text/xml+markr") },
        });
        import.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_checked_in_client_is_the_one_the_document_generates()
    {
        var generated = await ClientGenerator.GenerateAsync(await _api.Client.GetStringAsync("/openapi/v1.json"));

        if (Environment.GetEnvironmentVariable("GRADEBOOK_UPDATE_GENERATED_CLIENT") == "1")
        {
            await File.WriteAllTextAsync(ClientGenerator.CheckedInPath, generated);
        }

        var checkedIn = File.Exists(ClientGenerator.CheckedInPath) ? (await File.ReadAllTextAsync(ClientGenerator.CheckedInPath)).ReplaceLineEndings("\n") : "";
        Assert.True(
            checkedIn == generated,
            $"{ClientGenerator.CheckedInPath} is not what /openapi/v1.json generates now: run GRADEBOOK_UPDATE_GENERATED_CLIENT=1 dotnet test --filter GeneratedClientTests, and review the difference.");
    }

    [Fact]
    public async Task Every_read_in_the_document_answers_through_the_generated_client_with_nothing_its_types_do_not_declare()
    {
        var client = new GradebookClient(_api.Client);
        var reads = new Dictionary<string, Func<Task<object>>>
        {
            ["listStudents"] = async () => await client.ListStudentsAsync(null, "1", AnswerFormat.Json),
            ["getStudent"] = async () => await client.GetStudentAsync(Student, null),
            ["listExams"] = async () => await client.ListExamsAsync(null, null, null),
            ["getExam"] = async () => await client.GetExamAsync($"{Exam}", AnswerFormat.Json),
            ["getExamQuestions"] = async () => await client.GetExamQuestionsAsync($"{Exam}", null),
            ["getStudentAnswers"] = async () => await client.GetStudentAnswersAsync($"{Exam}", Student),
            ["getResultAggregate"] = async () => await client.GetResultAggregateAsync($"{Exam}", null),
            ["getIngestion"] = async () => await client.GetIngestionAsync(),
            ["listRejections"] = async () => await client.ListRejectionsAsync(null, null),
            ["getFleet"] = async () => await client.GetFleetAsync(),
            // Streamed as it is read (JSON or a ZIP), so the document declares its media types and no schema: the call must succeed.
            ["exportStudent"] = async () =>
            {
                await client.ExportStudentAsync(Student, null);
                return "exported";
            },
            ["listErasures"] = async () => await client.ListErasuresAsync(null, null),
            ["streamScoreChanges"] = async () => await FirstEventAsync<LiveResult>("/scores/live", "result"),
            ["streamEmulatedScores"] = async () => await FirstEventAsync<string>("/scores", "score"),
        };

        var documented = await DocumentedReadsAsync();
        Assert.Empty(documented.Except(reads.Keys));
        foreach (var read in documented)
        {
            var answer = await reads[read]();
            AssertAllDeclared(answer, read);
        }
    }

    [Fact]
    public async Task A_field_the_types_do_not_declare_is_noticed()
    {
        var report = JsonSerializer.Deserialize<ExamReport>("""{"exam":1,"results":[{"studentId":"a","score":0.5,"grade":"B"}]}""")!;

        var problem = Assert.ThrowsAny<Exception>(() => AssertAllDeclared(report, "getExam"));
        Assert.Contains("grade", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>The operation ids of the document's GET operations.</summary>
    private async Task<List<string>> DocumentedReadsAsync()
    {
        using var document = JsonDocument.Parse(await _api.Client.GetStringAsync("/openapi/v1.json"));
        var reads = document.RootElement.GetProperty("paths").EnumerateObject()
            .Where(path => path.Value.TryGetProperty("get", out _))
            .Select(path => path.Value.GetProperty("get").GetProperty("operationId").GetString()!)
            .ToList();
        Assert.Contains("getStudentAnswers", reads);
        return reads;
    }

    /// <summary>The data of the stream's first event of <paramref name="type"/>, read as <typeparamref name="T"/>.</summary>
    private async Task<object> FirstEventAsync<T>(string path, string type)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("Last-Event-ID", "0");
        using var response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, giveUp.Token);
        response.EnsureSuccessStatusCode();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(giveUp.Token)).EnumerateAsync(giveUp.Token))
        {
            if (item.EventType == type)
            {
                return typeof(T) == typeof(string) ? item.Data : JsonSerializer.Deserialize<T>(item.Data)!;
            }
        }

        throw new InvalidOperationException($"{path} ended before a '{type}' event.");
    }

    /// <summary>Fails when any object in the answer kept a field its generated type does not declare.</summary>
    private static void AssertAllDeclared(object? answer, string read)
    {
        switch (answer)
        {
            case null or string or ValueType:
                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    AssertAllDeclared(item, read);
                }

                return;
        }

        var type = answer.GetType();
        Assert.Equal(typeof(GradebookClient).Namespace, type.Namespace);
        if (type.GetProperty("AdditionalProperties")?.GetValue(answer) is IDictionary<string, object> extra)
        {
            Assert.True(extra.Count == 0, $"{read}: {type.Name} has fields the document does not declare: {string.Join(", ", extra.Keys)}");
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "AdditionalProperties"))
        {
            AssertAllDeclared(property.GetValue(answer), read);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Gradebook.Tests.Imports;

/// <summary>POST /import and the reads over what it stores, through real HTTP over loopback, against a real SQLite file.</summary>
public sealed class ImportApiTests : IAsyncLifetime
{
    private const int MaxDocumentBytes = 2 * 1024 * 1024;

    private readonly ApiHost _api = new(new Dictionary<string, string?>
    {
        ["Imports:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_example_document_imports_with_201_and_its_aggregate_answers_exactly_as_shown()
    {
        using var response = await PostAsync(Markr.Example);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"importId":1,"resultCount":1,"nameConflicts":[]}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(
            """{"mean":65.0,"stddev":0.0,"min":65.0,"max":65.0,"p25":65.0,"p50":65.0,"p75":65.0,"count":1}""",
            await _api.Client.GetStringAsync("/results/1234/aggregate"));
        Assert.Equal(
            """{"exam":1234,"studentCount":1,"average":0.65,"distribution":{"mean":0.65,"stddev":0,"min":0.65,"max":0.65,"p25":0.65,"p50":0.65,"p75":0.65,"count":1},"results":[{"studentId":"521585128","score":0.65}]}""",
            await _api.Client.GetStringAsync("/exams/1234"));
        Assert.Equal(
            """{"studentId":"521585128","examCount":1,"average":0.65,"results":[{"exam":1234,"score":0.65}]}""",
            await _api.Client.GetStringAsync("/students/521585128"));
    }

    [Fact]
    public async Task A_content_type_with_parameters_and_another_case_is_still_markr()
    {
        using var content = new StringContent(Markr.Example, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("Text/XML+Markr; charset=utf-8");

        using var response = await _api.Client.PostAsync("/import", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Duplicates_within_a_document_keep_the_highest_obtained_and_the_highest_available_marks()
    {
        using var response = await PostAsync(Markr.Document(
            Markr.Result("002299", 7, 10, 20),
            Markr.Result("002299", 7, 15, 25),
            Markr.Result("002299", 7, 12, 30),
            Markr.Result("2299", 7, 5, 10)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resultCount").GetInt32());
        Assert.Equal([("002299", 0.5), ("2299", 0.5)], await ScoresAsync(7));
    }

    [Fact]
    public async Task Duplicates_across_documents_converge_on_the_same_results_in_any_order()
    {
        string[] documents =
        [
            Markr.Document(Markr.Result("amy", 1, 10, 20), Markr.Result("bob", 1, 18, 20)),
            Markr.Document(Markr.Result("amy", 1, 14, 20), Markr.Result("bob", 1, 2, 40)),
            Markr.Document(Markr.Result("amy", 1, 9, 25), Markr.Result("cat", 1, 1, 4)),
        ];

        foreach (var document in documents)
        {
            using var response = await PostAsync(document);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // amy: obtained max(10, 14, 9) = 14 of max(20, 20, 25) = 25; bob: 18 of 40; cat: 1 of 4.
        Assert.Equal([("amy", 0.56), ("bob", 0.45), ("cat", 0.25)], await ScoresAsync(1));

        using var other = new TempDirectory();
        await using var reversed = GradebookFactory.ApiOnly(other.SqliteConnectionString());
        using var client = reversed.CreateClient();
        foreach (var document in documents.Reverse())
        {
            using var content = Markup(document);
            using var response = await client.PostAsync("/import", content);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // The running average may differ in its last bit with the order of additions; results and distribution may not.
        var forward = await _api.Client.GetFromJsonAsync<JsonElement>("/exams/1");
        var backward = await client.GetFromJsonAsync<JsonElement>("/exams/1");
        Assert.Equal(forward.GetProperty("results").GetRawText(), backward.GetProperty("results").GetRawText());
        Assert.Equal(forward.GetProperty("distribution").GetRawText(), backward.GetProperty("distribution").GetRawText());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/xml")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData("text/xml+markrx")]
    public async Task Another_content_type_is_415_and_the_body_is_not_read(string? contentType)
    {
        using var content = new ByteArrayContent(Markr.Bytes(Markr.Example));
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);

        using var response = await _api.Client.PostAsync("/import", content);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/xml+markr", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ImportsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync("/exams/1234")).StatusCode);
    }

    [Fact]
    public async Task A_document_over_the_limit_is_413_whether_or_not_it_declares_its_length()
    {
        var document = Markr.Document(Enumerable.Range(0, 10_000).Select(i => Markr.Result($"s{i}", 1, 1, 2)));
        Assert.True(Encoding.UTF8.GetByteCount(document) > MaxDocumentBytes);

        using var declared = await PostAsync(document);
        var problem = await ProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal($"A document may be at most {MaxDocumentBytes} bytes.", problem.GetProperty("detail").GetString());

        using var chunked = new StreamContent(new MemoryStream(Markr.Bytes(document)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/import") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var undeclared = await _api.Client.SendAsync(request);
        await ProblemAsync(undeclared, HttpStatusCode.RequestEntityTooLarge);

        Assert.Empty(await ImportsAsync());
    }

    [Fact]
    public async Task A_document_of_exactly_the_limit_is_read()
    {
        var document = Markr.Document(Markr.Result("1", 1, 1, 2));
        var padded = document + new string(' ', MaxDocumentBytes - Encoding.UTF8.GetByteCount(document));

        using var response = await PostAsync(padded);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("", "The body is not well-formed XML.")]
    [InlineData("<mcq-test-results><mcq-test-result>", "The body is not well-formed XML.")]
    [InlineData("not xml", "The body is not well-formed XML.")]
    [InlineData("<results><mcq-test-result/></results>", "The document is not a Markr results document.")]
    [InlineData("<mcq-test-result><student-number>1</student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/></mcq-test-result>", "The document is not a Markr results document.")]
    public async Task A_body_that_is_not_a_results_document_is_400_and_recorded_as_rejected(string document, string title)
    {
        using var response = await PostAsync(document);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        var import = Assert.Single(await ImportsAsync());
        Assert.Equal(problem.GetProperty("importId").GetInt64(), import.Id);
        Assert.Equal(("rejected", (long?)null), (import.Outcome, import.ResultCount));
        Assert.StartsWith(title.Contains("XML", StringComparison.Ordinal) ? "malformed_xml: " : "not_results: ", import.Reason, StringComparison.Ordinal);
        Assert.Equal(Markr.Bytes(document), import.Document);
    }

    [Theory]
    [InlineData("<test-id>1234</test-id><summary-marks available='20' obtained='13'/>", null, "student-number is missing")]
    [InlineData("<student-number>1</student-number><summary-marks available='20' obtained='13'/>", "1", "test-id is missing")]
    [InlineData("<student-number>1</student-number><test-id>1234</test-id>", "1", "summary-marks is missing")]
    [InlineData("<student-number>1</student-number><test-id>1234</test-id><summary-marks obtained='13'/>", "1", "summary-marks has no available attribute")]
    [InlineData("<student-number>1</student-number><test-id>1234</test-id><summary-marks available='20' obtained='21'/>", "1", "summary-marks obtained 21 is more than available 20")]
    [InlineData("<student-number>1</student-number><test-id>1234</test-id><summary-marks available='0' obtained='0'/>", "1", "summary-marks available must be more than 0, got '0'")]
    [InlineData("<student-number>1</student-number><test-id>1234</test-id><summary-marks available='20' obtained='-3'/>", "1", "summary-marks obtained must not be negative, got '-3'")]
    [InlineData("<student-number>1</student-number><test-id>abc</test-id><summary-marks available='20' obtained='3'/>", "1", "test-id must be a whole number from 0 to 9007199254740991, got 'abc'")]
    public async Task An_invalid_result_is_422_naming_it_and_the_document_is_recorded_as_rejected(string fields, string? studentNumber, string problemText)
    {
        var document = Markr.Document(Markr.Result("ok", 1234, 1, 2), $"<mcq-test-result>{fields}</mcq-test-result>");

        using var response = await PostAsync(document);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("1 of 2 results is invalid; nothing in the document was stored.", problem.GetProperty("detail").GetString());
        var invalid = Assert.Single(problem.GetProperty("invalidResults").EnumerateArray());
        Assert.Equal(1, invalid.GetProperty("index").GetInt32());
        Assert.Equal(studentNumber, invalid.GetProperty("studentNumber").GetString());
        Assert.Contains(problemText, invalid.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));

        var import = Assert.Single(await ImportsAsync());
        Assert.Equal(("rejected", (long?)2), (import.Outcome, import.ResultCount));
        Assert.Contains(problemText, import.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync("/exams/1234")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync("/students/ok")).StatusCode);
    }

    [Fact]
    public async Task A_bad_result_in_the_middle_of_a_document_leaves_the_store_unchanged()
    {
        using (var first = await PostAsync(Markr.Document(Enumerable.Range(0, 50).Select(i => Markr.Result($"s{i:D3}", 5, i % 20, 20, "Ann", $"Lee{i}")))))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var before = await SnapshotAsync();

        // Higher marks for the same students, new students, a new test, new names, and one impossible result at index 60.
        var results = Enumerable.Range(0, 120)
            .Select(i => i == 60
                ? Markr.Result("broken", 5, 30, 20)
                : Markr.Result($"s{i:D3}", i % 2 == 0 ? 5 : 6, 20, 20, "Other", "Name"))
            .ToList();
        using var response = await PostAsync(Markr.Document(results));

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var invalid = Assert.Single(problem.GetProperty("invalidResults").EnumerateArray());
        Assert.Equal((60, "broken"), (invalid.GetProperty("index").GetInt32(), invalid.GetProperty("studentNumber").GetString()));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(["accepted", "rejected"], (await ImportsAsync()).Select(i => i.Outcome));
    }

    [Fact]
    public async Task An_xml_bomb_and_external_entities_are_400_without_expanding_or_fetching_anything()
    {
        string[] attacks =
        [
            Markr.BillionLaughs,
            """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mcq-test-results><mcq-test-result><first-name>&xxe;</first-name><student-number>1</student-number><test-id>1</test-id><summary-marks available="2" obtained="1"/></mcq-test-result></mcq-test-results>""",
        ];

        foreach (var attack in attacks)
        {
            using var response = await PostAsync(attack);

            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("A DTD (<!DOCTYPE ...>) is not accepted.", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(["rejected", "rejected"], (await ImportsAsync()).Select(i => i.Outcome));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync("/exams/1")).StatusCode);
    }

    [Fact]
    public async Task A_large_realistic_document_is_imported_in_one_request()
    {
        // 6,000 results: 2,000 students sitting 3 tests, 200 of them re-scanned with other marks, in a ~3.5 MB document.
        var random = new Random(17);
        var marks = new List<(string Student, long Test, int Obtained, int Available)>();
        for (var test = 0; test < 3; test++)
        {
            for (var student = 0; student < 2000; student++)
            {
                marks.Add(($"{student:D9}", 9000 + test, random.Next(0, 51), 50));
            }
        }

        marks.AddRange(marks.Take(200).Select(m => (m.Student, m.Test, random.Next(0, 51), 50)).ToList());
        var document = Markr.Document(marks.Select(m => Markr.Result(m.Student, m.Test, m.Obtained, m.Available)));
        await using var large = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _api.Directory.SqliteConnectionString("large.db"),
            ["Feed:Enabled"] = "false",
        });
        large.UseKestrel(0);
        large.StartServer();
        using var client = large.CreateClient();
        using var content = Markup(document);

        using var response = await client.PostAsync("/import", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(6200, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resultCount").GetInt32());
        foreach (var test in marks.GroupBy(m => m.Test))
        {
            var best = test.GroupBy(m => m.Student).Select(g => g.Max(m => m.Obtained) * 2.0).Order().ToArray();
            var aggregate = await client.GetFromJsonAsync<JsonElement>($"/results/{test.Key}/aggregate");
            Assert.Equal(2000, aggregate.GetProperty("count").GetInt32());
            Assert.Equal(best.Average(), aggregate.GetProperty("mean").GetDouble(), 9);
            Assert.Equal(best[0], aggregate.GetProperty("min").GetDouble());
            Assert.Equal(best[^1], aggregate.GetProperty("max").GetDouble());
            Assert.Equal((best[999] + best[1000]) / 2, aggregate.GetProperty("p50").GetDouble(), 9);
        }
    }

    [Fact]
    public async Task Every_document_read_in_full_is_kept_raw_with_its_outcome()
    {
        var document = "\uFEFF<?xml version=\"1.0\"?>\r\n<mcq-test-results>  <!-- as sent -->\r\n"
            + Markr.Result("1", 3, 4, 5) + Markr.Result("2", 3, 5, 5) + "</mcq-test-results>";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Markr.Bytes(document[1..])).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");

        var before = DateTimeOffset.UtcNow;
        using var response = await _api.Client.PostAsync("/import", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var import = Assert.Single(await ImportsAsync());
        Assert.Equal(bytes, import.Document);
        Assert.Equal(("accepted", (string?)null, (long?)2), (import.Outcome, import.Reason, import.ResultCount));
        var receivedAt = DateTimeOffset.Parse(import.ReceivedAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(receivedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(TimeSpan.Zero, receivedAt.Offset);
    }

    [Fact]
    public async Task A_student_number_given_two_names_keeps_both_and_reports_them()
    {
        using (var first = await PostAsync(Markr.Document(Markr.Result("521585128", 1, 1, 2, "Jane", "Austen"), Markr.Result("7", 1, 1, 2, "Al", null))))
        {
            Assert.Equal("""{"importId":1,"resultCount":2,"nameConflicts":[]}""", await first.Content.ReadAsStringAsync());
        }

        using (var same = await PostAsync(Markr.Document(Markr.Result("521585128", 2, 1, 2, "Jane", "Austen"), Markr.Result("8", 2, 1, 2, null, null))))
        {
            Assert.Equal("""{"importId":2,"resultCount":2,"nameConflicts":[]}""", await same.Content.ReadAsStringAsync());
        }

        using var conflicting = await PostAsync(Markr.Document(
            Markr.Result("521585128", 3, 1, 2, "Janet", "Austen"),
            Markr.Result("9", 3, 1, 2, "Bo", "Li"),
            Markr.Result("9", 3, 2, 2, "Bo", "Lee")));

        Assert.Equal(HttpStatusCode.Created, conflicting.StatusCode);
        Assert.Equal(
            """{"importId":3,"resultCount":3,"nameConflicts":[{"studentId":"521585128","names":[{"firstName":"Jane","lastName":"Austen"},{"firstName":"Janet","lastName":"Austen"}]},{"studentId":"9","names":[{"firstName":"Bo","lastName":"Lee"},{"firstName":"Bo","lastName":"Li"}]}]}""",
            await conflicting.Content.ReadAsStringAsync());
        Assert.Equal(3, (await _api.Client.GetFromJsonAsync<JsonElement>("/students/521585128")).GetProperty("examCount").GetInt32());
    }

    [Fact]
    public async Task Name_conflicts_are_logged_as_a_warning()
    {
        await using var factory = GradebookFactory.ApiOnly(_api.Directory.SqliteConnectionString("logged.db"))
            .WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddFakeLogging()));
        using var client = factory.CreateClient();

        foreach (var name in new[] { "Jane", "Janet" })
        {
            using var content = Markup(Markr.Document(Markr.Result("42", 1, 1, 2, name, "Austen")));
            using var response = await client.PostAsync("/import", content);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var logs = factory.Services.GetFakeLogCollector().GetSnapshot();
        var warning = Assert.Single(logs, e => e.Level == LogLevel.Warning && e.Category?.EndsWith(".Importer", StringComparison.Ordinal) == true);
        Assert.Equal("Import 2: 1 student id has more than one name on record, kept side by side: 42", warning.Message);
    }

    [Fact]
    public void A_document_limit_below_one_byte_is_refused_with_a_message_naming_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Imports:MaxDocumentBytes"] = "0" })
            .Build();
        using var services = new ServiceCollection().AddImports(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ImportOptions>>().Value);
        Assert.Contains("MaxDocumentBytes", error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string document)
    {
        using var content = Markup(document);
        return await _api.Client.PostAsync("/import", content);
    }

    private static ByteArrayContent Markup(string document)
    {
        var content = new ByteArrayContent(Markr.Bytes(document));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        return content;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<List<(string StudentId, double Score)>> ScoresAsync(long exam)
    {
        var details = await _api.Client.GetFromJsonAsync<JsonElement>($"/exams/{exam}");
        return details.GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("studentId").GetString()!, r.GetProperty("score").GetDouble()))
            .ToList();
    }

    /// <summary>Every row of every table that results and names live in, as text.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var connection = new SqliteConnection(_api.Directory.SqliteConnectionString());
        await connection.OpenAsync();
        var text = new StringBuilder();
        foreach (var table in new[] { "results", "students", "exams", "student_names" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2, 3";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i)).Append('|');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private async Task<List<ImportRow>> ImportsAsync()
    {
        await using var connection = new SqliteConnection(_api.Directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, received_at, document, outcome, reason, result_count FROM imports ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ImportRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new ImportRow(
                reader.GetInt64(0),
                reader.GetString(1),
                (byte[])reader.GetValue(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5)));
        }

        return rows;
    }

    private sealed record ImportRow(long Id, string ReceivedAt, byte[] Document, string Outcome, string? Reason, long? ResultCount);
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Exams;

/// <summary>
/// GET /exams/{exam}/questions over real imports through HTTP, checked against a reference computed here with plain
/// loops over the generated sheets, not with the product's SQL or its formulas over sums.
/// </summary>
public sealed class ItemAnalysisTests : IAsyncLifetime
{
    private const long Exam = 4242;
    private const double Tolerance = 1e-9;
    private static readonly string[] Questions = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

    private readonly ApiHost _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_item_analysis_matches_a_reference_computed_from_the_kept_sheets()
    {
        var sheets = await ImportGeneratedAsync();

        var actual = await GetQuestionsAsync();
        AssertMatchesReference(Reference(Kept(sheets)), actual);

        // The planted questions are flagged as a teacher would want.
        var items = actual.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("question").GetString()!);
        Assert.Equal(Questions, items.Keys); // numeric order: "10" after "9"
        Assert.Contains("negative_discrimination", Flags(items["4"]));
        Assert.Equal(["D"], items["4"].GetProperty("keyed").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(JsonValueKind.Null, items["8"].GetProperty("discrimination").ValueKind);
        Assert.Contains("too_hard", Flags(items["8"]));
        Assert.Empty(items["8"].GetProperty("keyed").EnumerateArray());
        Assert.Contains("several_keyed_choices", Flags(items["9"]));
        Assert.Equal(2, items["6"].GetProperty("marksAvailable").GetDouble());
        Assert.Contains(items["3"].GetProperty("choices").EnumerateArray(), c => c.GetProperty("choice").GetString() == "");
    }

    [Fact]
    public async Task Answers_dropped_from_the_store_are_derived_again_by_a_rebuild()
    {
        await ImportGeneratedAsync();

        var before = (await GetQuestionsAsync()).GetRawText();
        await using (var connection = new SqliteConnection(_api.Directory.SqliteConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new SqliteCommand("DELETE FROM answers; DELETE FROM answer_sheets;", connection);
            await command.ExecuteNonQueryAsync();
        }

        await _api.Store.RebuildAsync(CancellationToken.None);

        Assert.Equal(before, (await GetQuestionsAsync()).GetRawText());
    }

    [Fact]
    public async Task An_exam_with_scores_but_no_answers_has_no_items_and_an_unknown_exam_is_a_404()
    {
        await Scores.WriteAsync(_api.Store, ("ann", 77, 0.5));

        var empty = await _api.Client.GetFromJsonAsync<JsonElement>("/exams/77/questions");
        Assert.Equal(0, empty.GetProperty("students").GetInt64());
        Assert.Empty(empty.GetProperty("items").EnumerateArray());

        using var unknown = await _api.Client.GetAsync("/exams/78/questions");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using var invalid = await _api.Client.GetAsync("/exams/x/questions");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task A_single_student_gets_facilities_but_no_discrimination_or_reliability()
    {
        using var response = await PostAsync(Markr.Document(Markr.Sheet("solo", Exam, null, [("1", "A", 1, 1), ("2", "B", 0, 1)])));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var analysis = await GetQuestionsAsync();
        Assert.Equal(1, analysis.GetProperty("students").GetInt64());
        Assert.Equal(JsonValueKind.Null, analysis.GetProperty("alpha").ValueKind);
        Assert.Equal(JsonValueKind.Null, analysis.GetProperty("sem").ValueKind);
        var items = analysis.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1.0, 0.0], items.Select(i => i.GetProperty("facility").GetDouble()));
        Assert.All(items, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("discrimination").ValueKind));
    }

    [Fact]
    public async Task A_re_scan_that_changes_only_the_answers_changes_the_tag_and_the_answer()
    {
        using (var first = await PostAsync(Markr.Document(
            Markr.Sheet("ann", Exam, "2026-01-01T09:00:00Z", [("1", "A", 1, 1), ("2", "B", 0, 1)]),
            Markr.Sheet("bob", Exam, "2026-01-01T09:00:00Z", [("1", "C", 0, 1), ("2", "D", 1, 1)]))))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var before = await _api.Client.GetAsync($"/exams/{Exam}/questions");
        var tag = before.Headers.ETag!;

        // The same marks, scanned later, with another wrong choice: the results stay, the kept sheet changes.
        using (var rescan = await PostAsync(Markr.Document(Markr.Sheet("ann", Exam, "2026-01-02T09:00:00Z", [("1", "A", 1, 1), ("2", "C", 0, 1)]))))
        {
            Assert.Equal(HttpStatusCode.Created, rescan.StatusCode);
        }

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/exams/{Exam}/questions");
        conditional.Headers.IfNoneMatch.Add(tag);
        using var after = await _api.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var question2 = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("items")[1];
        Assert.Equal(["C", "D"], question2.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("choice").GetString()));
    }

    [Fact]
    public async Task The_analysis_answers_as_csv_one_row_per_question()
    {
        using (var response = await PostAsync(Markr.Document(
            Markr.Sheet("ann", Exam, null, [("1", "A", 1, 1), ("2", "B", 0, 1)]),
            Markr.Sheet("bob", Exam, null, [("1", "C", 0, 1), ("2", "D", 1, 1)]))))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/exams/{Exam}/questions");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await _api.Client.SendAsync(request);

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("exam,question,students,marksAvailable,facility,discrimination,keyed,flags", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{Exam},1,2,1,0.5,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_student_s_kept_sheet_is_marked_against_the_keyed_choices_with_their_percentile()
    {
        using (var response = await PostAsync(Markr.Document(
            Markr.Sheet("ann", Exam, null, [("1", "A", 1, 1), ("2", "B", 0, 1), ("3", "C", 2, 2)]),
            Markr.Sheet("bob", Exam, null, [("1", "C", 0, 1), ("2", "D", 1, 1)]),
            Markr.Sheet("cy/z", Exam, null, [("1", "A", 1, 1), ("2", "D", 1, 1), ("3", "A", 0, 2)]),
            Markr.Sheet("dee", Exam, null, [("1", "B", 0, 1), ("2", "B", 0, 1), ("3", "B", 0, 2)]))))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var bob = await _api.Client.GetFromJsonAsync<JsonElement>($"/exams/{Exam}/students/bob/answers");

        // Totals: ann 3, bob 1, cy/z 2, dee 0: one below bob, one equal (bob): 100 × (1 + 0.5) / 4.
        Assert.Equal(1, bob.GetProperty("total").GetDouble());
        Assert.Equal(37.5, bob.GetProperty("percentile").GetDouble(), Tolerance);
        var answers = bob.GetProperty("answers").EnumerateArray().ToList();
        Assert.Equal(["1", "2", "3"], answers.Select(a => a.GetProperty("question").GetString()));
        Assert.Equal(["C", "D", ""], answers.Select(a => a.GetProperty("choice").GetString()));
        Assert.Equal([false, true, false], answers.Select(a => a.GetProperty("matchesKey").GetBoolean()));
        Assert.Equal(["A"], answers[0].GetProperty("keyed").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(2, answers[2].GetProperty("marksAvailable").GetDouble());

        var slashed = await _api.Client.GetFromJsonAsync<JsonElement>($"/exams/{Exam}/students/cy%2Fz/answers");
        Assert.Equal("cy/z", slashed.GetProperty("studentId").GetString());

        using var nobody = await _api.Client.GetAsync($"/exams/{Exam}/students/nobody/answers");
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    /// <summary>Imports the generated sheets, one document at a time, and returns them.</summary>
    private async Task<List<Sheet>> ImportGeneratedAsync()
    {
        var sheets = GenerateSheets();
        foreach (var document in sheets.GroupBy(s => s.Document).OrderBy(g => g.Key))
        {
            using var response = await PostAsync(Markr.Document(document.Select(s => Markr.Sheet(s.Student, Exam, s.ScannedOn, s.Answers))));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        return sheets;
    }

    private static IEnumerable<string> Flags(JsonElement item) => item.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!);

    private async Task<HttpResponseMessage> PostAsync(string document)
    {
        using var content = new ByteArrayContent(Markr.Bytes(document));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        return await _api.Client.PostAsync("/import", content);
    }

    private async Task<JsonElement> GetQuestionsAsync() => await _api.Client.GetFromJsonAsync<JsonElement>($"/exams/{Exam}/questions");

    private sealed record Sheet(int Document, int Order, string Student, string? ScannedOn, List<(string Question, string Choice, double Awarded, double Available)> Answers)
    {
        public double Obtained => Answers.Sum(a => a.Awarded);
    }

    /// <summary>
    /// 40 students of rising ability over ten questions: a real key on most; question 3 left out by some and blank for
    /// others; 4 miskeyed (the strong choose B, the marks go to D); 6 worth 2 marks with a half-right choice; 8 right
    /// for nobody; 9 with two keyed choices. A second document re-scans five students: two higher, two lower, one the
    /// same marks scanned later; and one student twice in it, the later sheet winning the tie.
    /// </summary>
    private static List<Sheet> GenerateSheets()
    {
        var random = new Random(21);
        var keys = new Dictionary<string, string> { ["1"] = "A", ["2"] = "C", ["3"] = "B", ["5"] = "D", ["7"] = "A", ["10"] = "C" };
        var sheets = new List<Sheet>();
        var order = 0;
        for (var i = 0; i < 40; i++)
        {
            var ability = i / 39.0;
            var student = $"s{i:D2}";
            sheets.Add(new Sheet(1, order++, student, "2026-01-01T09:00:00+01:00", Answers(random, ability, keys, i)));
        }

        // Right wherever anyone can be: question 8 earns nobody anything.
        var allRight = Questions.Where(q => q != "3")
            .Select(q => (q, q switch { "4" => "D", "6" => "A", "8" => "E", "9" => "A", _ => keys[q] }, q switch { "6" => 2.0, "8" => 0.0, _ => 1.0 }, q == "6" ? 2.0 : 1.0))
            .ToList();
        var allWrong = Questions.Select(q => (q, "Z", 0.0, q == "6" ? 2.0 : 1.0)).ToList();
        sheets.Add(new Sheet(2, order++, "s00", "2026-01-02T09:00:00Z", allRight));
        sheets.Add(new Sheet(2, order++, "s01", null, allRight));
        sheets.Add(new Sheet(2, order++, "s38", "2026-01-02T09:00:00Z", allWrong));
        sheets.Add(new Sheet(2, order++, "s39", "2026-01-02T09:00:00Z", allWrong));
        var s20 = sheets.Single(s => s.Student == "s20");
        var sameMarks = s20.Answers.Select(a => a.Awarded == 0 ? (a.Question, "Y", 0.0, a.Available) : a).ToList();
        sheets.Add(new Sheet(2, order++, "s20", "2026-01-03T09:00:00Z", sameMarks));
        var s30 = sheets.Single(s => s.Student == "s30");
        sheets.Add(new Sheet(2, order++, "s30", "2026-01-03T09:00:00Z", s30.Answers.Select(a => a.Awarded == 0 ? (a.Question, "W", 0.0, a.Available) : a).ToList()));
        sheets.Add(new Sheet(2, order++, "s30", "2026-01-03T09:00:00Z", s30.Answers.Select(a => a.Awarded == 0 ? (a.Question, "X", 0.0, a.Available) : a).ToList()));
        return sheets;
    }

    private static List<(string, string, double, double)> Answers(Random random, double ability, Dictionary<string, string> keys, int i)
    {
        var answers = new List<(string, string, double, double)>();
        var others = new[] { "A", "B", "C", "D" };
        foreach (var q in Questions)
        {
            var right = random.NextDouble() < 0.15 + (0.7 * ability);
            switch (q)
            {
                case "3" when i % 7 == 0:
                    continue; // left out of the sheet
                case "3" when i % 7 == 1:
                    answers.Add((q, "", 0, 1));
                    break;
                case "4":
                    var choice = ability > 0.5 ? "B" : random.NextDouble() < 0.6 ? "D" : others[random.Next(3)];
                    answers.Add((q, choice, choice == "D" ? 1 : 0, 1));
                    break;
                case "6":
                    var given = right ? "A" : random.NextDouble() < 0.5 ? "C" : "B";
                    answers.Add((q, given, given switch { "A" => 2, "C" => 1, _ => 0 }, 2));
                    break;
                case "8":
                    answers.Add((q, others[random.Next(4)], 0, 1));
                    break;
                case "9":
                    var pick = right ? (random.NextDouble() < 0.5 ? "A" : "B") : "C";
                    answers.Add((q, pick, pick == "C" ? 0 : 1, 1));
                    break;
                default:
                    var answer = right ? keys[q] : others.Where(o => o != keys[q]).ElementAt(random.Next(3));
                    answers.Add((q, answer, right ? 1 : 0, 1));
                    break;
            }
        }

        return answers;
    }

    /// <summary>Each student's kept sheet: the highest obtained, then the later scanned (none is earliest), then the later received.</summary>
    private static List<Sheet> Kept(List<Sheet> sheets)
    {
        var kept = new List<Sheet>();
        foreach (var group in sheets.GroupBy(s => s.Student))
        {
            Sheet? best = null;
            foreach (var sheet in group)
            {
                if (best is null || Later(sheet, best))
                {
                    best = sheet;
                }
            }

            kept.Add(best!);
        }

        return kept;
    }

    private static bool Later(Sheet candidate, Sheet kept)
    {
        if (candidate.Obtained != kept.Obtained)
        {
            return candidate.Obtained > kept.Obtained;
        }

        var a = candidate.ScannedOn is null ? DateTimeOffset.MinValue : DateTimeOffset.Parse(candidate.ScannedOn, CultureInfo.InvariantCulture);
        var b = kept.ScannedOn is null ? DateTimeOffset.MinValue : DateTimeOffset.Parse(kept.ScannedOn, CultureInfo.InvariantCulture);
        return a != b ? a > b : candidate.Order > kept.Order;
    }

    private sealed record ReferenceItem(string Question, double Facility, double? Discrimination, List<string> Keyed, List<(string Choice, long Count, double Share, double MeanMarks)> Choices);

    private sealed record ReferenceExam(int Students, double Mean, double Sd, double? Alpha, double? Sem, List<ReferenceItem> Items);

    private static ReferenceExam Reference(List<Sheet> kept)
    {
        var n = kept.Count;
        var totals = kept.Select(s => s.Answers.Sum(a => a.Awarded)).ToArray();
        var meanTotal = totals.Average();
        var varTotal = totals.Sum(t => (t - meanTotal) * (t - meanTotal)) / n;
        var items = new List<ReferenceItem>();
        var sumVariances = 0.0;
        foreach (var q in Questions)
        {
            var x = new double[n];
            var share = new double[n];
            var choice = new string[n];
            var keyed = new SortedSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < n; i++)
            {
                var found = kept[i].Answers.Where(a => a.Question == q).ToList();
                x[i] = found.Count == 0 ? 0 : found[0].Awarded;
                share[i] = found.Count == 0 ? 0 : found[0].Awarded / found[0].Available;
                choice[i] = found.Count == 0 ? "" : found[0].Choice;
                if (x[i] > 0)
                {
                    keyed.Add(choice[i]);
                }
            }

            var rest = x.Select((v, i) => totals[i] - v).ToArray();
            var meanX = x.Average();
            var meanRest = rest.Average();
            var varX = x.Sum(v => (v - meanX) * (v - meanX)) / n;
            var varRest = rest.Sum(v => (v - meanRest) * (v - meanRest)) / n;
            var cov = x.Select((v, i) => (v - meanX) * (rest[i] - meanRest)).Sum() / n;
            sumVariances += varX;
            var choices = choice.Select((c, i) => (c, i)).GroupBy(p => p.c).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, (long)g.Count(), g.Count() / (double)n, g.Average(p => totals[p.i]))).ToList();
            items.Add(new ReferenceItem(q, share.Average(), varX > 1e-12 && varRest > 1e-12 ? cov / Math.Sqrt(varX * varRest) : null, [.. keyed], choices));
        }

        double? alpha = Questions.Length / (Questions.Length - 1.0) * (1 - (sumVariances / varTotal));
        return new ReferenceExam(n, meanTotal, Math.Sqrt(varTotal), alpha, Math.Sqrt(varTotal) * Math.Sqrt(1 - alpha.Value), items);
    }

    private static void AssertMatchesReference(ReferenceExam expected, JsonElement actual)
    {
        Assert.Equal(expected.Students, actual.GetProperty("students").GetInt32());
        Assert.Equal(Questions.Length, actual.GetProperty("questions").GetInt32());
        Assert.Equal(expected.Mean, actual.GetProperty("meanMarks").GetDouble(), Tolerance);
        Assert.Equal(expected.Sd, actual.GetProperty("sdMarks").GetDouble(), Tolerance);
        Assert.Equal(expected.Alpha!.Value, actual.GetProperty("alpha").GetDouble(), Tolerance);
        Assert.Equal(expected.Sem!.Value, actual.GetProperty("sem").GetDouble(), Tolerance);
        var items = actual.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(expected.Items.Count, items.Count);
        foreach (var (want, got) in expected.Items.Zip(items))
        {
            Assert.Equal(want.Question, got.GetProperty("question").GetString());
            Assert.Equal(expected.Students, got.GetProperty("students").GetInt32());
            Assert.Equal(want.Facility, got.GetProperty("facility").GetDouble(), Tolerance);
            if (want.Discrimination is { } d)
            {
                Assert.Equal(d, got.GetProperty("discrimination").GetDouble(), Tolerance);
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, got.GetProperty("discrimination").ValueKind);
            }

            Assert.Equal(want.Keyed, got.GetProperty("keyed").EnumerateArray().Select(k => k.GetString()!));
            var choices = got.GetProperty("choices").EnumerateArray().ToList();
            Assert.Equal(want.Choices.Select(c => c.Choice), choices.Select(c => c.GetProperty("choice").GetString()!));
            foreach (var (c, g) in want.Choices.Zip(choices))
            {
                Assert.Equal(c.Count, g.GetProperty("count").GetInt64());
                Assert.Equal(c.Share, g.GetProperty("share").GetDouble(), Tolerance);
                Assert.Equal(c.MeanMarks, g.GetProperty("meanMarks").GetDouble(), Tolerance);
            }
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Tests.Support;

// The folder mirrors src/Gradebook/Imports/; that Imports is a keyword in Visual Basic does not matter to a test assembly.
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming", "CA1716", Scope = "namespace", Target = "~N:Gradebook.Tests.Imports", Justification = "Mirrors the source folder.")]

namespace Gradebook.Tests.Imports;

public sealed class MarkrReaderTests
{
    [Fact]
    public void Reads_the_example_document_trusting_summary_marks()
    {
        var result = Assert.Single(Read(Markr.Example));

        Assert.Equal((0, "521585128", 1234L, 13.0, 20.0, "Jane", "Austen"), Fields(result));
        Assert.Equal(new DateTimeOffset(2017, 12, 4, 12, 12, 10, TimeSpan.FromHours(11)), result.ScannedOn);
        Assert.Equal([new SheetAnswer("1", "A", 1, 1)], result.Answers);
    }

    [Fact]
    public void Reads_answers_and_ignores_unknown_elements_attributes_comments_and_namespaced_elements()
    {
        var results = Read("""
            <?xml version="1.0"?>
            <!-- from scanner 7 -->
            <mcq-test-results xmlns:x="urn:extra" batch="9">
              <scanner-info><model>M-3</model><nested><deeper>1</deeper></nested></scanner-info>
              text between results
              <mcq-test-result scanned-on="2017-12-04T12:12:10+11:00" extra="yes">
                <x:student-number>not this one</x:student-number>
                <student-number>1</student-number>
                <test-id>7</test-id>
                <summary-marks available="10" obtained="4"><note>rescanned</note></summary-marks>
                <answer question="1" marks-available="1" marks-awarded="1">A</answer>
                <answer question="2" marks-available="1" marks-awarded="1"><![CDATA[B]]></answer>
                <unknown><with><children/></with></unknown>
              </mcq-test-result>
              <?processing instruction?>
            </mcq-test-results>
            """);

        var result = Assert.Single(results);
        Assert.Equal((0, "1", 7L, 4.0, 10.0, null, null), Fields(result));
        Assert.Equal([new SheetAnswer("1", "A", 1, 1), new SheetAnswer("2", "B", 1, 1)], result.Answers);
    }

    [Fact]
    public void Student_numbers_stay_strings_and_surrounding_whitespace_is_trimmed()
    {
        var results = Read(Markr.Document(
            Markr.Result("002299", 1, 1, 2),
            Markr.Result("2299", 1, 1, 2),
            "<mcq-test-result><student-number>\n   00 7  \n</student-number><test-id> 0012 </test-id><summary-marks available='2' obtained='1'/></mcq-test-result>"));

        Assert.Equal(["002299", "2299", "00 7"], results.Select(r => r.StudentNumber));
        Assert.Equal(12, results[2].TestId);
    }

    [Fact]
    public void Names_are_optional_and_an_empty_name_counts_as_absent()
    {
        var results = Read(Markr.Document(
            Markr.Result("1", 1, 1, 2, firstName: null, lastName: null),
            Markr.Result("2", 1, 1, 2, firstName: "  Émile ", lastName: ""),
            Markr.Result("3", 1, 1, 2, firstName: null, lastName: "O'Brien & Sons")));

        Assert.Equal([(null, null), ("Émile", null), (null, "O'Brien & Sons")], results.Select(r => (r.FirstName, r.LastName)));
    }

    [Fact]
    public void Fractional_and_zero_marks_are_valid()
    {
        var results = Read(Markr.Document(Markr.Result("1", 1, 0, 20), Markr.Result("2", 1, 19.5, 20), Markr.Result("3", 1, 3, 3)));

        Assert.Equal([(0.0, 20.0), (19.5, 20.0), (3.0, 3.0)], results.Select(r => (r.Obtained, r.Available)));
    }

    [Fact]
    public void An_empty_results_document_holds_no_results()
    {
        Assert.Empty(Read("<mcq-test-results/>"));
        Assert.Empty(Read("<mcq-test-results>\n</mcq-test-results>"));
    }

    [Theory]
    [InlineData("<test-id>1</test-id><summary-marks available='2' obtained='1'/>", "student-number is missing")]
    [InlineData("<student-number>1</student-number><summary-marks available='2' obtained='1'/>", "test-id is missing")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id>", "summary-marks is missing")]
    [InlineData("<student-number></student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/>", "student-number must not be empty")]
    [InlineData("<student-number>a&#9;b</student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/>", "student-number must not contain control characters")]
    [InlineData("<student-number>1</student-number><test-id>12a</test-id><summary-marks available='2' obtained='1'/>", "test-id must be a whole number from 0 to 9007199254740991, got '12a'")]
    [InlineData("<student-number>1</student-number><test-id>-1</test-id><summary-marks available='2' obtained='1'/>", "test-id must be a whole number from 0 to 9007199254740991, got '-1'")]
    [InlineData("<student-number>1</student-number><test-id>9007199254740992</test-id><summary-marks available='2' obtained='1'/>", "test-id must be a whole number from 0 to 9007199254740991, got '9007199254740992'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks obtained='1'/>", "summary-marks has no available attribute")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='2'/>", "summary-marks has no obtained attribute")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='20' obtained='25'/>", "summary-marks obtained 25 is more than available 20")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='20' obtained='-1'/>", "summary-marks obtained must not be negative, got '-1'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='0' obtained='0'/>", "summary-marks available must be more than 0, got '0'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='-5' obtained='0'/>", "summary-marks available must be more than 0, got '-5'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='twenty' obtained='1'/>", "summary-marks available must be a number, got 'twenty'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='20' obtained='NaN'/>", "summary-marks obtained must be a number, got 'NaN'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='Infinity' obtained='1'/>", "summary-marks available must be a number, got 'Infinity'")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='1e999' obtained='1'/>", "summary-marks available must be a number, got '1e999'")]
    [InlineData("<student-number>1</student-number><student-number>2</student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/>", "student-number appears more than once")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><test-id>2</test-id><summary-marks available='2' obtained='1'/>", "test-id appears more than once")]
    [InlineData("<student-number>1</student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/><summary-marks available='2' obtained='2'/>", "summary-marks appears more than once")]
    [InlineData("<student-number>1<b>2</b></student-number><test-id>1</test-id><summary-marks available='2' obtained='1'/>", "student-number must hold only text")]
    public void A_result_that_cannot_be_stored_says_what_is_wrong(string fields, string problem)
    {
        var invalid = Assert.Single(Rejected($"<mcq-test-results><mcq-test-result>{fields}</mcq-test-result></mcq-test-results>", ImportRejectionReason.InvalidResults).InvalidResults!);

        Assert.Contains(problem, invalid.Problems);
    }

    [Fact]
    public void Names_that_are_too_long_or_hold_control_characters_are_invalid()
    {
        var rejection = Rejected(
            Markr.Document(Markr.Result("1", 1, 1, 2, firstName: new string('a', 129)), Markr.Result("2", 1, 1, 2, lastName: "a\tb")),
            ImportRejectionReason.InvalidResults);

        Assert.Equal(
            [["first-name must be at most 128 characters, got 129"], ["last-name must not contain control characters"]],
            rejection.InvalidResults!.Select(r => r.Problems));
    }

    [Fact]
    public void Every_invalid_result_is_reported_with_its_index_line_and_student_number()
    {
        var document = Markr.Document(
            Markr.Result("good-1", 1, 5, 10),
            Markr.Result("bad-1", 1, 11, 10),
            Markr.Result("good-2", 1, 5, 10),
            "  <mcq-test-result><test-id>1</test-id></mcq-test-result>");

        var rejection = Rejected(document, ImportRejectionReason.InvalidResults);

        Assert.Equal("2 of 4 results are invalid; nothing in the document was stored.", rejection.Message);
        Assert.Equal(4, rejection.ResultCount);
        var lines = document.Split('\n');
        Assert.Collection(
            rejection.InvalidResults!,
            first =>
            {
                Assert.Equal((1, "bad-1"), (first.Index, first.StudentNumber));
                Assert.Contains("<student-number>bad-1</student-number>", lines[first.Line + 1], StringComparison.Ordinal);
                Assert.Equal(["summary-marks obtained 11 is more than available 10"], first.Problems);
            },
            second =>
            {
                Assert.Equal((3, null), (second.Index, second.StudentNumber));
                Assert.Equal(["student-number is missing", "summary-marks is missing"], second.Problems);
            });
        Assert.Contains("result 1 (line ", rejection.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("invalid_results: 2 of 4 results are invalid", rejection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejection_lists_the_first_hundred_invalid_results_and_counts_them_all()
    {
        var rejection = Rejected(Markr.Document(Enumerable.Range(0, 250).Select(i => Markr.Result($"s{i}", 1, 3, 2))), ImportRejectionReason.InvalidResults);

        Assert.Equal("250 of 250 results are invalid; nothing in the document was stored.", rejection.Message);
        Assert.Equal(100, rejection.InvalidResults!.Count);
        Assert.Equal(99, rejection.InvalidResults[^1].Index);
    }

    [Theory]
    [InlineData("<mcq-test-result/>", "<mcq-test-result>")]
    [InlineData("<results><mcq-test-result/></results>", "<results>")]
    [InlineData("<html><body>hello</body></html>", "<html>")]
    [InlineData("<mcq-test-results xmlns='urn:other'/>", "<mcq-test-results>")]
    public void Another_root_element_is_not_a_results_document(string document, string root)
    {
        var rejection = Rejected(document, ImportRejectionReason.NotResults);

        Assert.Equal($"The root element is {root}, not <mcq-test-results>.", rejection.Message);
        Assert.Equal("not_results", rejection.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not xml at all")]
    [InlineData("{\"studentId\":\"1\"}")]
    [InlineData("<mcq-test-results>")]
    [InlineData("<mcq-test-results><mcq-test-result></mcq-test-results>")]
    [InlineData("<mcq-test-results></mcq-test-results><mcq-test-results></mcq-test-results>")]
    [InlineData("<mcq-test-results></mcq-test-results>trailing")]
    [InlineData("<mcq-test-results><mcq-test-result a='1' a='2'/></mcq-test-results>")]
    [InlineData("<mcq-test-results>&undeclared;</mcq-test-results>")]
    [InlineData("<mcq-test-results><first-name>&#0;</first-name></mcq-test-results>")]
    public void A_body_that_is_not_well_formed_xml_is_malformed(string document)
    {
        var rejection = Rejected(document, ImportRejectionReason.MalformedXml);

        Assert.Equal("malformed_xml", rejection.Code);
        Assert.NotEmpty(rejection.Message);
    }

    [Fact]
    public void Invalid_utf8_is_malformed()
    {
        var bytes = Markr.Bytes(Markr.Document(Markr.Result("1", 1, 1, 2))).ToList();
        bytes.InsertRange(bytes.IndexOf((byte)'1'), [0xC3, 0x28]);

        Assert.False(MarkrReader.TryRead([.. bytes], out _, out var rejection));
        Assert.Equal(ImportRejectionReason.MalformedXml, rejection.Reason);
    }

    [Fact]
    public void A_document_in_another_declared_encoding_is_read_in_that_encoding()
    {
        var text = Markr.Document(Markr.Result("1", 1, 1, 2, firstName: "José")).Replace("UTF-8", "ISO-8859-1", StringComparison.Ordinal);
        Assert.True(MarkrReader.TryRead(Encoding.Latin1.GetBytes(text), out var latin1, out _));
        Assert.True(MarkrReader.TryRead(
            [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text.Replace("ISO-8859-1", "UTF-16", StringComparison.Ordinal))], out var utf16, out _));

        Assert.Equal("José", Assert.Single(latin1).FirstName);
        Assert.Equal("José", Assert.Single(utf16).FirstName);
    }

    [Fact]
    public void A_billion_laughs_bomb_is_refused_without_expanding_anything()
    {
        var stopwatch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var rejection = Rejected(Markr.BillionLaughs, ImportRejectionReason.MalformedXml);

        Assert.Equal("A DTD (<!DOCTYPE ...>) is not accepted.", rejection.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the entities were not expanded");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void External_entities_and_dtds_are_refused_without_reading_a_file_or_the_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string[] attempts =
        [
            """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mcq-test-results><mcq-test-result><first-name>&xxe;</first-name></mcq-test-result></mcq-test-results>""",
            $"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/secret">]><mcq-test-results>&xxe;</mcq-test-results>""",
            $"""<?xml version="1.0"?><!DOCTYPE mcq-test-results SYSTEM "http://127.0.0.1:{port}/evil.dtd"><mcq-test-results/>""",
            $"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p.dtd"> %remote;]><mcq-test-results/>""",
        ];

        foreach (var attempt in attempts)
        {
            var rejection = Rejected(attempt, ImportRejectionReason.MalformedXml);
            Assert.Equal("A DTD (<!DOCTYPE ...>) is not accepted.", rejection.Message);
        }

        Assert.False(listener.Pending(), "no connection was made to fetch an external resource");
    }

    [Fact]
    public void Elements_nested_deeper_than_the_limit_are_refused()
    {
        var depth = MarkrReader.MaxDepth + 5;
        var document = "<mcq-test-results><mcq-test-result>" + string.Concat(Enumerable.Repeat("<a>", depth))
            + string.Concat(Enumerable.Repeat("</a>", depth)) + "</mcq-test-result></mcq-test-results>";

        var rejection = Rejected(document, ImportRejectionReason.MalformedXml);

        Assert.Contains($"nested more than {MarkrReader.MaxDepth} deep", rejection.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<ImportedSheet> Read(string document)
    {
        Assert.True(MarkrReader.TryRead(Markr.Bytes(document), out var results, out var rejection), rejection?.Message);
        return results;
    }

    private static ImportRejection Rejected(string document, ImportRejectionReason reason)
    {
        Assert.False(MarkrReader.TryRead(Markr.Bytes(document), out _, out var rejection));
        Assert.Equal(reason, rejection.Reason);
        return rejection;
    }

    private static (int, string, long, double, double, string?, string?) Fields(ImportedSheet r) =>
        (r.Index, r.StudentNumber, r.TestId, r.Obtained, r.Available, r.FirstName, r.LastName);
}

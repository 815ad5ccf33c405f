using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Xml;
using Gradebook.Grading;

namespace Gradebook.Imports;

/// <summary>
/// Reads a Markr document: <c>&lt;mcq-test-results&gt;</c> holding <c>&lt;mcq-test-result&gt;</c> elements. It trusts
/// <c>summary-marks</c> for the score, keeps each <c>answer</c> for the answer statistics, skips any element it does
/// not know, and validates every result, so one
/// reading reports all that is wrong. A document with a DTD is rejected at its <c>&lt;!DOCTYPE&gt;</c>, before the root
/// element: no entity it declares is ever expanded, and nothing external is fetched.
/// </summary>
internal static class MarkrReader
{
    public const string RootElement = "mcq-test-results";
    public const string ResultElement = "mcq-test-result";

    /// <summary>Deeper nesting is refused: Markr needs three levels, and the reader's memory grows with depth.</summary>
    public const int MaxDepth = 32;

    public const int MaxNameLength = 128;

    private static readonly XmlReaderSettings Settings = new()
    {
        // Parsed rather than prohibited so that the reader reports a DOCTYPE as a node, which is rejected by type; a
        // prohibited one is only an XmlException whose message would have to be searched. No resolver: nothing external.
        DtdProcessing = DtdProcessing.Parse,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    /// <summary>Reads and validates a whole document: its results, or why it cannot be stored.</summary>
    public static bool TryRead(
        byte[] document, [NotNullWhen(true)] out IReadOnlyList<ImportedSheet>? results, [NotNullWhen(false)] out ImportRejection? rejection)
    {
        using var stream = new MemoryStream(document, writable: false);
        using var reader = XmlReader.Create(stream, Settings);
        var read = new List<ImportedSheet>();
        try
        {
            rejection = ReadDocument(reader, read);
        }
        catch (XmlException e)
        {
            rejection = new ImportRejection(ImportRejectionReason.MalformedXml, e.Message);
        }

        if (rejection is not null)
        {
            results = null;
            return false;
        }

        results = read;
        return true;
    }

    /// <summary>Adds the document's results to <paramref name="results"/>; returns why it cannot be stored, or null.</summary>
    private static ImportRejection? ReadDocument(XmlReader reader, List<ImportedSheet> results)
    {
        while (reader.Read() && reader.NodeType != XmlNodeType.Element)
        {
            if (reader.NodeType == XmlNodeType.DocumentType)
            {
                return new ImportRejection(ImportRejectionReason.MalformedXml, "A DTD (<!DOCTYPE ...>) is not accepted.");
            }
        }

        reader.MoveToContent();
        CheckDepth(reader);
        if (!IsElement(reader, RootElement))
        {
            return new ImportRejection(
                ImportRejectionReason.NotResults, $"The root element is <{Cut(reader.Name)}>, not <{RootElement}>.");
        }

        var tally = new SheetTally("results");
        ForEachChild(reader, () =>
        {
            if (!IsElement(reader, ResultElement))
            {
                SkipElement(reader);
                return;
            }

            ReadResult(reader, tally);
        });

        // Read to the end, so that anything after the root element is checked as well.
        while (Next(reader))
        {
        }

        var rejection = tally.Finish(out var read);
        results.AddRange(read);
        return rejection;
    }

    private static void ReadResult(XmlReader reader, SheetTally tally)
    {
        var line = ((IXmlLineInfo)reader).LineNumber;
        var problems = new List<string>();
        string? studentNumber = null, testId = null, firstName = null, lastName = null, available = null, obtained = null;
        var scannedOn = reader.GetAttribute("scanned-on");
        var answers = new List<SheetAnswerFields>();
        var marks = false;
        ForEachChild(reader, () =>
        {
            if (reader.NamespaceURI.Length > 0)
            {
                SkipElement(reader);
                return;
            }

            switch (reader.LocalName)
            {
                case "student-number":
                    Once(ref studentNumber, ReadText(reader, problems), "student-number", problems);
                    break;
                case "test-id":
                    Once(ref testId, ReadText(reader, problems), "test-id", problems);
                    break;
                case "first-name":
                    Once(ref firstName, ReadText(reader, problems), "first-name", problems);
                    break;
                case "last-name":
                    Once(ref lastName, ReadText(reader, problems), "last-name", problems);
                    break;
                case "summary-marks":
                    if (marks)
                    {
                        problems.Add("summary-marks appears more than once");
                    }

                    marks = true;
                    available = reader.GetAttribute("available");
                    obtained = reader.GetAttribute("obtained");
                    SkipElement(reader);
                    break;
                case "answer":
                    var question = reader.GetAttribute("question");
                    var marksAvailable = reader.GetAttribute("marks-available");
                    var marksAwarded = reader.GetAttribute("marks-awarded");
                    answers.Add(new SheetAnswerFields(question, ReadText(reader, problems), marksAwarded, marksAvailable));
                    break;
                default:
                    SkipElement(reader);
                    break;
            }
        });

        var fields = new SheetFields(studentNumber, testId, firstName, lastName, marks, obtained, available, scannedOn, answers);
        tally.Add(fields, line, problems);
    }

    private static void Once(ref string? field, string value, string element, List<string> problems)
    {
        if (field is not null)
        {
            problems.Add($"{element} appears more than once");
            return;
        }

        field = value;
    }

    /// <summary>The text of the current element, trimmed; child elements are a problem and are skipped.</summary>
    private static string ReadText(XmlReader reader, List<string> problems)
    {
        var element = reader.LocalName;
        var text = new StringBuilder();
        var nested = false;
        ForEachChild(
            reader,
            () =>
            {
                nested = true;
                SkipElement(reader);
            },
            value => text.Append(value));
        if (nested)
        {
            problems.Add($"{element} must hold only text");
        }

        return text.ToString().Trim();
    }

    /// <summary>
    /// Visits the children of the element the reader is on and leaves the reader after its end tag.
    /// <paramref name="element"/> is called on each child element and must move past it; <paramref name="text"/> on each piece of text.
    /// </summary>
    private static void ForEachChild(XmlReader reader, Action element, Action<string>? text = null)
    {
        if (reader.IsEmptyElement)
        {
            Next(reader);
            return;
        }

        var depth = reader.Depth;
        Next(reader);
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                element();
                continue;
            }

            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
            {
                text?.Invoke(reader.Value);
            }

            Next(reader);
        }

        Next(reader);
    }

    /// <summary>Moves past the current element and everything in it, checking the depth on the way.</summary>
    private static void SkipElement(XmlReader reader) => ForEachChild(reader, () => SkipElement(reader));

    private static bool Next(XmlReader reader)
    {
        var more = reader.Read();
        CheckDepth(reader);
        return more;
    }

    private static void CheckDepth(XmlReader reader)
    {
        if (reader.Depth > MaxDepth)
        {
            var line = (IXmlLineInfo)reader;
            throw new XmlException($"Elements are nested more than {MaxDepth} deep.", null, line.LineNumber, line.LinePosition);
        }
    }

    private static bool IsElement(XmlReader reader, string localName) =>
        reader.NodeType == XmlNodeType.Element && reader.NamespaceURI.Length == 0 && reader.LocalName == localName;

    /// <summary>A value for a message, quoted and cut short: messages repeat what was sent, not megabytes of it.</summary>
    /// <summary>A value from the document shortened for a message.</summary>
    public static string Cut(string value) => value.Length <= 40 ? value : value[..40] + "...";
}

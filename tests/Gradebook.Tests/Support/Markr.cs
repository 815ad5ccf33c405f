using System.Globalization;
using System.Security;
using System.Text;

namespace Gradebook.Tests.Support;

/// <summary>Builds Markr documents the way grading machines write them.</summary>
internal static class Markr
{
    /// <summary>The example document of the Markr format: one result, 13 marks of 20.</summary>
    public const string Example = """
        <mcq-test-results>
          <mcq-test-result scanned-on="2017-12-04T12:12:10+11:00">
            <first-name>Jane</first-name><last-name>Austen</last-name>
            <student-number>521585128</student-number><test-id>1234</test-id>
            <summary-marks available="20" obtained="13" />
            <answer question="1" marks-available="1" marks-awarded="1">A</answer>
          </mcq-test-result>
        </mcq-test-results>
        """;

    /// <summary>Nine levels of entities, each ten of the one below: a billion "lol"s if a parser expands them.</summary>
    public const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <mcq-test-results>
          <mcq-test-result>
            <first-name>&lol9;</first-name>
            <student-number>1</student-number><test-id>1</test-id><summary-marks available="2" obtained="1"/>
          </mcq-test-result>
        </mcq-test-results>
        """;

    public static string Result(string studentNumber, long testId, double obtained, double available, string? firstName = "Ann", string? lastName = "Lee")
    {
        var names = (firstName is null ? "" : $"<first-name>{SecurityElement.Escape(firstName)}</first-name>")
            + (lastName is null ? "" : $"<last-name>{SecurityElement.Escape(lastName)}</last-name>");
        return $"""
              <mcq-test-result scanned-on="2017-12-04T12:12:10+11:00">
                {names}
                <student-number>{SecurityElement.Escape(studentNumber)}</student-number>
                <test-id>{testId}</test-id>
                <summary-marks available="{available.ToString(CultureInfo.InvariantCulture)}" obtained="{obtained.ToString(CultureInfo.InvariantCulture)}" />
                <answer question="1" marks-available="1" marks-awarded="1">A</answer>
                <answer question="2" marks-available="1" marks-awarded="0">C</answer>
              </mcq-test-result>
            """;
    }

    /// <summary>A sheet with its answers (choice "" is a blank; a question left out is not on the sheet); its summary marks are theirs.</summary>
    public static string Sheet(string studentNumber, long testId, string? scannedOn, IEnumerable<(string Question, string Choice, double Awarded, double Available)> answers)
    {
        var list = answers.ToList();
        var text = new StringBuilder(scannedOn is null ? "<mcq-test-result>" : $"<mcq-test-result scanned-on=\"{scannedOn}\">");
        text.Append($"<student-number>{SecurityElement.Escape(studentNumber)}</student-number><test-id>{testId}</test-id>");
        text.Append($"<summary-marks available=\"{Number(list.Sum(a => a.Available))}\" obtained=\"{Number(list.Sum(a => a.Awarded))}\" />");
        foreach (var a in list)
        {
            text.Append($"<answer question=\"{SecurityElement.Escape(a.Question)}\" marks-available=\"{Number(a.Available)}\" marks-awarded=\"{Number(a.Awarded)}\">{SecurityElement.Escape(a.Choice)}</answer>");
        }

        return text.Append("</mcq-test-result>").ToString();
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Document(params string[] results) => Document((IEnumerable<string>)results);

    public static string Document(IEnumerable<string> results)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mcq-test-results>\n");
        foreach (var result in results)
        {
            text.Append(result).Append('\n');
        }

        return text.Append("</mcq-test-results>\n").ToString();
    }

    public static byte[] Bytes(string document) => Encoding.UTF8.GetBytes(document);
}

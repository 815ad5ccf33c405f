using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Net.Http.Headers;

namespace Gradebook.Imports;

/// <summary>
/// One kind of document <c>POST /import</c> accepts: the media type it is sent and stored with, and a reader that makes
/// of a whole document either its sheets, each held to <see cref="SheetFields"/>' rules, or one rejection that names
/// the line or field that is wrong. A new format is one class implementing this, listed in <see cref="DocumentFormats"/>:
/// the import's transaction, the raw record and the rebuild take it from there.
/// </summary>
internal interface IDocumentFormat
{
    /// <summary>The media type the document is sent with and recorded under.</summary>
    string MediaType { get; }

    /// <summary>What the format is called in messages ("Markr", "CSV").</summary>
    string Name { get; }

    /// <summary>The extension of a file in this format (".xml"), by which the <c>import</c> command picks it.</summary>
    string FileExtension { get; }

    bool TryRead(byte[] document, [NotNullWhen(true)] out IReadOnlyList<ImportedSheet>? sheets, [NotNullWhen(false)] out ImportRejection? rejection);

    /// <summary>
    /// The document in this format without the sheets of <paramref name="studentNumber"/> (a student's erasure), every
    /// other sheet as it was and in its order, so that reading it gives the other sheets exactly; for a document this
    /// format reads.
    /// </summary>
    byte[] Without(byte[] document, string studentNumber);
}

/// <summary>The formats Gradebook imports; the first is the one a document recorded without a media type was sent in.</summary>
internal static class DocumentFormats
{
    public static readonly IReadOnlyList<IDocumentFormat> All = [new MarkrFormat(), new CsvFormat(), new JsonFormat()];

    public static IDocumentFormat Markr => All[0];

    /// <summary>The format a Content-Type names (parameters and case aside); null for none Gradebook imports.</summary>
    public static IDocumentFormat? ForContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? All.FirstOrDefault(f => parsed.MediaType.Equals(f.MediaType, StringComparison.OrdinalIgnoreCase))
            : null;

    /// <summary>The format of a file by its extension (case aside); null for none Gradebook imports.</summary>
    public static IDocumentFormat? ForFileName(string path) =>
        All.FirstOrDefault(f => string.Equals(Path.GetExtension(path), f.FileExtension, StringComparison.OrdinalIgnoreCase));

    /// <summary>The format a document was recorded under.</summary>
    public static IDocumentFormat ForRecorded(string mediaType) =>
        All.FirstOrDefault(f => f.MediaType == mediaType) ?? throw new InvalidOperationException($"No import format reads '{mediaType}'.");
}

/// <summary>Markr XML, read by <see cref="MarkrReader"/>.</summary>
internal sealed class MarkrFormat : IDocumentFormat
{
    public string MediaType => "text/xml+markr";

    public string Name => "Markr";

    public string FileExtension => ".xml";

    public bool TryRead(byte[] document, [NotNullWhen(true)] out IReadOnlyList<ImportedSheet>? sheets, [NotNullWhen(false)] out ImportRejection? rejection) =>
        MarkrReader.TryRead(document, out sheets, out rejection);

    public byte[] Without(byte[] document, string studentNumber)
    {
        // Read as MarkrReader reads (no DTD, nothing external) and written back with everything else as it was.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        XDocument xml;
        using (var reader = XmlReader.Create(new MemoryStream(document, writable: false), settings))
        {
            xml = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }

        xml.Root?.Elements(MarkrReader.ResultElement)
            .Where(result => result.Elements("student-number").Any(n => n.Value.Trim() == studentNumber))
            .Remove();
        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = xml.Declaration is null }))
        {
            xml.Save(writer);
        }

        return output.ToArray();
    }
}

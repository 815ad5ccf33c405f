namespace Gradebook.Imports;

/// <summary>
/// A document's sheets as its reader validates them, one by one, whatever the format: the valid ones in order, and the
/// invalid ones, the first <see cref="MaxListedInvalid"/> listed and all of them counted. A document with any invalid
/// sheet is rejected whole.
/// </summary>
internal sealed class SheetTally(string noun)
{
    /// <summary>How many invalid sheets a rejection lists; the count covers them all.</summary>
    public const int MaxListedInvalid = 100;

    private readonly List<ImportedSheet> _valid = [];
    private readonly List<InvalidResult> _invalid = [];
    private int _invalidCount;
    private int _count;

    /// <summary>Validates the next sheet (its index is its place among the document's sheets) and keeps what it is.</summary>
    public void Add(SheetFields fields, int line, List<string> problems)
    {
        if (fields.TryValidate(_count, line, problems, out var sheet, out var invalid))
        {
            _valid.Add(sheet);
        }
        else if (++_invalidCount <= MaxListedInvalid)
        {
            _invalid.Add(invalid);
        }

        _count++;
    }

    /// <summary>The valid sheets, when every sheet is; otherwise the rejection that lists the invalid ones.</summary>
    public ImportRejection? Finish(out IReadOnlyList<ImportedSheet> sheets)
    {
        sheets = _valid;
        return _invalidCount == 0
            ? null
            : new ImportRejection(
                ImportRejectionReason.InvalidResults,
                $"{_invalidCount} of {_count} {noun} {(_invalidCount == 1 ? "is" : "are")} invalid; nothing in the document was stored.",
                _count,
                _invalid);
    }
}

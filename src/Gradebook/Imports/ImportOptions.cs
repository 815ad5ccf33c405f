using System.ComponentModel.DataAnnotations;

namespace Gradebook.Imports;

/// <summary>Settings of batch imports (section <c>Imports</c>).</summary>
internal sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>The largest document <c>POST /import</c> reads; a larger one is refused with 413 before it is parsed.</summary>
    [Range(1, 1L << 30)]
    public long MaxDocumentBytes { get; set; } = 16L << 20;
}

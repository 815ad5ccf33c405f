using System.ComponentModel.DataAnnotations;
using Gradebook.Storage;

namespace Gradebook.Retention;

/// <summary>How long the raw record is kept, and where what goes is archived (the <c>Retention</c> section).</summary>
internal sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Retention";

    /// <summary>How long the raw record is kept, by the day; none (the default) keeps it for ever.</summary>
    public TimeSpan? RawRecord { get; set; }

    /// <summary>Where each period is written, compressed, before it is dropped; none drops it without an archive.</summary>
    public string? ArchiveDirectory { get; set; }

    /// <summary>How often the service makes partitions ahead and drops what the policy no longer keeps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>PostgreSQL: how many UTC days of partitions are made ahead of today.</summary>
    public int PartitionsAhead { get; set; } = RawRecordPartitions.DefaultDaysAhead;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RawRecord is { } keep && keep <= TimeSpan.Zero)
        {
            yield return new($"Retention:RawRecord must be positive, as in 400.00:00:00 (400 days), or left out to keep the raw record for ever; it is {keep}.");
        }

        if (ArchiveDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            yield return new("Retention:ArchiveDirectory is blank: give a directory, or leave it out to drop without an archive.");
        }

        if (Interval <= TimeSpan.Zero)
        {
            yield return new($"Retention:Interval must be positive; it is {Interval}.");
        }

        if (PartitionsAhead is < 1 or > 366)
        {
            yield return new($"Retention:PartitionsAhead must be between 1 and 366 days; it is {PartitionsAhead}.");
        }
    }
}

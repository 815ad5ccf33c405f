using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Gradebook.Feed;
using Microsoft.Extensions.Options;

namespace Gradebook.Ingestion;

/// <summary>One feed Gradebook ingests: its name (the key of its records), where it is read from, its settings and its status.</summary>
internal sealed class IngestedFeed(string name, Uri? url, FeedOptions options)
{
    public string Name { get; } = name;

    /// <summary>The feed's URL; null for the built-in emulator, whose address is known once the host listens.</summary>
    public Uri? Url { get; } = url;

    public FeedOptions Options { get; } = options;

    public FeedStatus Status { get; } = new(options.MaxLag, options.MaxPending);

    public bool UsesEmulator => Url is null;
}

/// <summary>
/// The feeds configured: any number under <c>Feeds:&lt;name&gt;</c>, each inheriting the <c>Feed</c> section's settings
/// and overriding those it names; <c>Feed:Url</c> alone is the shorthand for one feed named <c>default</c>; with
/// neither, the built-in emulator is the one feed, named <c>emulator</c>.
/// </summary>
internal sealed partial class FeedCatalog
{
    public const string Section = "Feeds";
    public const string ShorthandName = "default";
    public const string EmulatorName = "emulator";

    private FeedCatalog(IReadOnlyList<IngestedFeed> feeds) => Feeds = feeds;

    /// <summary>Every feed, in name order.</summary>
    public IReadOnlyList<IngestedFeed> Feeds { get; }

    /// <summary>False when ingestion is off (<c>Feed:Enabled=false</c>): the API serves what is stored.</summary>
    public bool Enabled { get; private init; }

    public bool UsesEmulator => Feeds.Any(f => f.UsesEmulator);

    public IngestedFeed? Find(string name) => Feeds.FirstOrDefault(f => f.Name == name);

    /// <summary>Reads and validates the feeds; a bad one is an <see cref="OptionsValidationException"/> that names it.</summary>
    public static FeedCatalog Read(IConfiguration configuration)
    {
        var defaults = configuration.GetSection(FeedOptions.Section);
        var problems = new List<string>();
        var feeds = new List<IngestedFeed>();
        foreach (var section in configuration.GetSection(Section).GetChildren())
        {
            var options = Bind(defaults, section);
            if (!ValidName().IsMatch(section.Key))
            {
                problems.Add($"Feeds:{section.Key}: a feed name is 1 to 64 letters, digits, '-' or '_'.");
            }
            else if (string.IsNullOrWhiteSpace(options.Url))
            {
                problems.Add($"Feeds:{section.Key}:Url is required: the feed's absolute http or https URL.");
            }

            feeds.Add(Validate(section.Key, $"Feeds:{section.Key}", options, problems));
        }

        var shorthand = Bind(defaults, null);
        var shorthandFeed = Validate(
            shorthand.UsesEmulator ? EmulatorName : ShorthandName, FeedOptions.Section, shorthand, problems);
        if (!shorthand.UsesEmulator && feeds.Any(f => f.Name == ShorthandName))
        {
            problems.Add($"Feed:Url names the feed '{ShorthandName}', and so does Feeds:{ShorthandName}: keep one of them.");
        }

        if (!shorthand.UsesEmulator || feeds.Count == 0)
        {
            feeds.Add(shorthandFeed);
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(FeedOptions), problems);
        }

        return new FeedCatalog([.. feeds.OrderBy(f => f.Name, StringComparer.Ordinal)]) { Enabled = shorthand.Enabled };
    }

    /// <summary>The <c>Feed</c> section's settings, overridden by a feed's own section when there is one.</summary>
    private static FeedOptions Bind(IConfiguration defaults, IConfiguration? own)
    {
        var options = new FeedOptions();
        defaults.Bind(options);
        if (own is not null)
        {
            options.Url = null;
            own.Bind(options);
        }

        return options;
    }

    private static IngestedFeed Validate(string name, string section, FeedOptions options, List<string> problems)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }

        if (new FeedOptionsValidator().Validate(name, options) is { Failed: true } failed)
        {
            problems.AddRange(failed.Failures.Select(f => f.Replace("Feed:", $"{section}:", StringComparison.Ordinal)));
        }

        return new IngestedFeed(name, Uri.TryCreate(options.Url, UriKind.Absolute, out var url) ? url : null, options);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ValidName();
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Gradebook.Api;

/// <summary>One page of a list and the link to the next page (null on the last page).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>Reads a list's <c>after</c> in the list's own key: the key, or why the text is not one.</summary>
internal delegate bool TryParseKey<TKey>(string text, out TKey key, [NotNullWhen(false)] out string? error);

/// <summary>
/// A list request that passed its checks: the key its page starts after, how many items it holds, and whether the
/// client asked for CSV (<c>?format=csv</c> or <c>text/csv</c> in Accept), which a list that has a CSV form answers
/// with the whole list.
/// </summary>
internal readonly record struct PageStart<TKey>(TKey After, int Limit, bool Csv);

/// <summary>
/// The query every list endpoint takes, bound once with <c>[AsParameters]</c>. The format is known only from a request
/// that passed its checks, so a CSV request is refused for the same parameters a JSON one is.
/// </summary>
/// <param name="After">Where the page starts: the key of the last item of the page before.</param>
/// <param name="Limit">How many items a page holds, from 1 to <see cref="Paging.MaxLimit"/>; <see cref="Paging.DefaultLimit"/> when absent.</param>
internal sealed record PageRequest([FromQuery(Name = "after")] string? After, [FromQuery(Name = "limit")] string? Limit, HttpRequest Request)
{
    /// <summary>
    /// Checks <c>limit</c>, and <c>after</c> with <paramref name="parseAfter"/>; an absent <c>after</c> starts at
    /// <paramref name="first"/>.
    /// </summary>
    public bool TryValidate<TKey>(
        TryParseKey<TKey> parseAfter, TKey first, out PageStart<TKey> start, [NotNullWhen(false)] out ValidationProblem? problem)
    {
        start = default;
        if (!Paging.TryParseLimit(Limit, out var limit, out var error))
        {
            problem = Problems.Invalid("limit", error);
            return false;
        }

        var after = first;
        if (After is not null && !parseAfter(After, out after, out error))
        {
            problem = Problems.Invalid("after", error);
            return false;
        }

        start = new PageStart<TKey>(after, limit, CsvResult.IsWanted(Request));
        problem = null;
        return true;
    }
}

/// <summary>The <c>limit</c> query parameter shared by every list endpoint.</summary>
internal static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Parses <c>limit</c>: absent means <see cref="DefaultLimit"/>; otherwise a whole number from 1 to <see cref="MaxLimit"/>.</summary>
    public static bool TryParseLimit(string? value, out int limit, [NotNullWhen(false)] out string? error)
    {
        error = null;
        limit = DefaultLimit;
        if (value is null)
        {
            return true;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return true;
        }

        error = $"limit must be a whole number from 1 to {MaxLimit}, got '{value}'.";
        return false;
    }

    /// <summary>
    /// Makes a page of the rows a query returned for <paramref name="limit"/> + 1: an extra row says that another page
    /// follows, and the page's last row is where it starts.
    /// </summary>
    public static Page<TItem> Build<TRow, TItem>(List<TRow> rows, int limit, Func<TRow, TItem> item, Func<TRow, string> nextLink)
    {
        var next = rows.Count > limit ? nextLink(rows[limit - 1]) : null;
        return new Page<TItem>([.. rows.Take(limit).Select(item)], next);
    }
}

using System.Globalization;

namespace Gradebook.Api;

/// <summary>One page of a list and the link to the next page (null on the last page).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>The <c>limit</c> query parameter shared by every list endpoint.</summary>
internal static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Parses <c>limit</c>: absent means <see cref="DefaultLimit"/>; otherwise a whole number from 1 to <see cref="MaxLimit"/>.</summary>
    public static bool TryParseLimit(string? value, out int limit, out string? error)
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

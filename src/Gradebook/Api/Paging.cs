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

    /// <summary>Takes one row more than a page holds to learn whether another page follows, and builds its link.</summary>
    public static Page<T> Build<T>(List<T> rows, int limit, Func<T, string> nextLink)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, nextLink(rows[^1]));
    }
}

using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Api;

// Hand-written: the router leaves %2F undecoded in a route value, and Uri.UnescapeDataString leaves an escape that is
// not UTF-8 (%E2%82) as it was, so neither gives back an id that may hold '/' or tells a broken encoding apart.
/// <summary>A route value exactly as the client encoded it, taken from the raw request target and decoded once.</summary>
internal static class ExactRouteValues
{
    /// <summary>
    /// The text of the request's path between the first <paramref name="before"/> and an <paramref name="after"/> that
    /// ends the path, its %-escapes decoded once; <paramref name="routeValue"/> when the raw target has no such text;
    /// null when the decoded bytes are not UTF-8, so the value can be no id.
    /// </summary>
    public static string? Between(HttpContext context, string routeValue, string before, string after = "")
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is null)
        {
            return routeValue;
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var start = path.IndexOf(before, StringComparison.Ordinal);
        if (start < 0 || !path.EndsWith(after, StringComparison.Ordinal) || start + before.Length > path.Length - after.Length)
        {
            return routeValue;
        }

        return Unescape(path.AsSpan(start + before.Length, path.Length - after.Length - start - before.Length));
    }

    /// <summary>The problem of a route value whose %-escapes are not UTF-8.</summary>
    public static ValidationProblem NotUtf8(string parameter) =>
        Problems.Invalid(parameter, $"{parameter} must be UTF-8 once its %-escapes are decoded.");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? Unescape(ReadOnlySpan<char> escaped)
    {
        var text = Encoding.UTF8.GetBytes(escaped.ToArray());
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add(Convert.FromHexString(Encoding.ASCII.GetString(text, i + 1, 2))[0]);
                i += 2;
            }
            else
            {
                bytes.Add(text[i]);
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}

using System.Buffers;

namespace Gradebook.Feed;

// Hand-written because no JSON library reads this relaxed form; it only inserts bytes, and System.Text.Json parses the result.
/// <summary>
/// Rewrites the relaxed form the feed was first specified with into strict JSON, outside strings only: quotes around an
/// unquoted key (<c>{score: 1}</c>, a key being an identifier after <c>{</c> or <c>,</c> and before <c>:</c>) and a zero
/// before a number's leading dot (<c>.991</c>, <c>-.5</c>). It knows only whether it is inside a string; whether the
/// result is JSON is for the JSON reader to say.
/// </summary>
internal static class RelaxedJson
{
    /// <summary>The rewritten text, or null when there is nothing of the relaxed form in it.</summary>
    public static byte[]? Normalise(ReadOnlySpan<byte> text)
    {
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        var inString = false;
        var escaped = false;
        byte previous = 0; // the last byte outside strings that is not whitespace
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (IsWhitespace(c))
            {
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (previous is (byte)'{' or (byte)',' && IsIdentifierByte(c, first: true))
            {
                var end = i + 1;
                while (end < text.Length && IsIdentifierByte(text[end], first: false))
                {
                    end++;
                }

                var next = end;
                while (next < text.Length && IsWhitespace(text[next]))
                {
                    next++;
                }

                if (next < text.Length && text[next] == ':')
                {
                    output ??= new ArrayBufferWriter<byte>(text.Length + 16);
                    output.Write(text[copied..i]);
                    output.Write("\""u8);
                    output.Write(text[i..end]);
                    output.Write("\""u8);
                    copied = end;
                }

                i = end - 1;
                c = text[i];
            }
            else if (c == '.' && IsLeadingDot(text, i))
            {
                output ??= new ArrayBufferWriter<byte>(text.Length + 16);
                output.Write(text[copied..i]);
                output.Write("0"u8);
                copied = i;
            }

            previous = c;
        }

        if (output is null)
        {
            return null;
        }

        output.Write(text[copied..]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A dot that starts a number (after a sign, a separator or whitespace) and has a digit after it.</summary>
    private static bool IsLeadingDot(ReadOnlySpan<byte> text, int dot) =>
        dot > 0 && (text[dot - 1] is (byte)'-' or (byte)':' or (byte)'[' or (byte)',' || IsWhitespace(text[dot - 1]))
        && dot + 1 < text.Length && char.IsAsciiDigit((char)text[dot + 1]);

    private static bool IsIdentifierByte(byte c, bool first) =>
        char.IsAsciiLetter((char)c) || c is (byte)'_' or (byte)'$' || (!first && char.IsAsciiDigit((char)c));

    private static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}

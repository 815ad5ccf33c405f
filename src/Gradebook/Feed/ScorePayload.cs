using System.Globalization;
using System.Text;

using Gradebook.Grading;

namespace Gradebook.Feed;

/// <summary>
/// Reads the <c>data</c> of a <c>score</c> event: a flat JSON object with <c>studentId</c>, <c>exam</c> and <c>score</c>.
/// It is a tolerant reader: besides strict JSON it accepts the relaxed form the feed was first specified with,
/// unquoted keys and numbers with a leading dot (<c>{"exam": 3, "studentId": "foo", score: .991}</c>).
/// Unknown keys are ignored; anything else that is not JSON is a rejection.
/// </summary>
internal static class ScorePayload
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses and validates one payload. Exactly one of the two results is non-null.</summary>
    public static (Score? Score, Rejection? Rejection) Read(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return (new Reader(utf8).ReadScore(), null);
        }
        catch (PayloadException e)
        {
            return (null, e.Rejection);
        }
    }

    private sealed class PayloadException(RejectionReason reason, string message) : Exception(message)
    {
        public Rejection Rejection { get; } = new(reason, message);
    }

    private enum ValueKind { String, Number, Literal }

    private ref struct Reader(ReadOnlySpan<byte> text)
    {
        private readonly ReadOnlySpan<byte> _text = text;
        private int _pos;

        public Score ReadScore()
        {
            string? studentId = null;
            long? exam = null;
            double? score = null;

            SkipWhitespace();
            Expect((byte)'{', "the payload must be a JSON object");
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
            }
            else
            {
                while (true)
                {
                    SkipWhitespace();
                    var key = ReadKey();
                    SkipWhitespace();
                    Expect((byte)':', $"expected ':' after key \"{key}\"");
                    SkipWhitespace();
                    var start = _pos;
                    var kind = ReadValue(out var stringValue);
                    var token = _text[start.._pos];
                    switch (key)
                    {
                        case "studentId":
                            if (studentId is not null)
                            {
                                throw Duplicate(key);
                            }

                            studentId = kind == ValueKind.String
                                ? stringValue!
                                : throw new PayloadException(RejectionReason.InvalidStudentId, "studentId must be a string");
                            break;
                        case "exam":
                            if (exam is not null)
                            {
                                throw Duplicate(key);
                            }

                            exam = ParseExam(kind, token);
                            break;
                        case "score":
                            if (score is not null)
                            {
                                throw Duplicate(key);
                            }

                            score = ParseScore(kind, token);
                            break;
                    }

                    SkipWhitespace();
                    var separator = Next("expected ',' or '}' after a value");
                    if (separator == '}')
                    {
                        break;
                    }

                    if (separator != ',')
                    {
                        throw Malformed($"expected ',' or '}}' after a value, found '{(char)separator}'");
                    }
                }
            }

            SkipWhitespace();
            if (_pos != _text.Length)
            {
                throw Malformed("unexpected content after the object");
            }

            if (studentId is null)
            {
                throw Missing("studentId");
            }

            if (exam is null)
            {
                throw Missing("exam");
            }

            if (score is null)
            {
                throw Missing("score");
            }

            if (StudentIds.Problem(studentId) is { } problem)
            {
                throw new PayloadException(RejectionReason.InvalidStudentId, problem);
            }

            return new Score(studentId, exam.Value, score.Value);
        }

        private static long ParseExam(ValueKind kind, ReadOnlySpan<byte> token)
        {
            if (kind != ValueKind.Number)
            {
                throw new PayloadException(RejectionReason.InvalidExam, "exam must be a number");
            }

            if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exam))
            {
                throw new PayloadException(RejectionReason.InvalidExam, $"exam must be a whole number, got {Encoding.UTF8.GetString(token)}");
            }

            return ExamNumbers.IsValid(exam)
                ? exam
                : throw new PayloadException(RejectionReason.InvalidExam, $"exam must be between 0 and {ExamNumbers.Max}, got {exam}");
        }

        private static double ParseScore(ValueKind kind, ReadOnlySpan<byte> token)
        {
            if (kind != ValueKind.Number)
            {
                throw new PayloadException(RejectionReason.InvalidScore, "score must be a number");
            }

            var value = double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
            return value is >= 0 and <= 1
                ? value + 0.0 // folds -0 into 0
                : throw new PayloadException(RejectionReason.InvalidScore, $"score must be between 0 and 1, got {Encoding.UTF8.GetString(token)}");
        }

        private string ReadKey()
        {
            var c = Peek();
            if (c == '"')
            {
                return ReadString();
            }

            var start = _pos;
            while (_pos < _text.Length && IsIdentifierByte(_text[_pos], _pos == start))
            {
                _pos++;
            }

            return _pos > start
                ? Encoding.ASCII.GetString(_text[start.._pos])
                : throw Malformed(_pos < _text.Length ? $"expected a key, found '{(char)c}'" : "the object is not closed");
        }

        private ValueKind ReadValue(out string? stringValue)
        {
            stringValue = null;
            var c = Peek();
            switch (c)
            {
                case (byte)'"':
                    stringValue = ReadString();
                    return ValueKind.String;
                case (byte)'{' or (byte)'[':
                    throw Malformed("nested objects and arrays are not part of a score");
                case (byte)'t':
                    ReadLiteral("true"u8);
                    return ValueKind.Literal;
                case (byte)'f':
                    ReadLiteral("false"u8);
                    return ValueKind.Literal;
                case (byte)'n':
                    ReadLiteral("null"u8);
                    return ValueKind.Literal;
                default:
                    ReadNumber();
                    return ValueKind.Number;
            }
        }

        /// <summary>JSON number grammar, relaxed to allow a missing integer part (<c>.991</c>, <c>-.5</c>).</summary>
        private void ReadNumber()
        {
            var start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }

            var integerDigits = SkipDigits();
            if (integerDigits > 1 && _text[_pos - integerDigits] == '0')
            {
                throw Malformed("numbers must not have leading zeros");
            }

            var fractionDigits = 0;
            if (Peek() == '.')
            {
                _pos++;
                fractionDigits = SkipDigits();
                if (fractionDigits == 0)
                {
                    throw Malformed("a decimal point must be followed by digits");
                }
            }

            if (integerDigits == 0 && fractionDigits == 0)
            {
                throw Malformed(_pos < _text.Length ? $"unexpected '{(char)_text[start]}'" : "a value is missing");
            }

            if (Peek() is (byte)'e' or (byte)'E')
            {
                _pos++;
                if (Peek() is (byte)'+' or (byte)'-')
                {
                    _pos++;
                }

                if (SkipDigits() == 0)
                {
                    throw Malformed("an exponent must have digits");
                }
            }
        }

        private int SkipDigits()
        {
            var start = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit((char)_text[_pos]))
            {
                _pos++;
            }

            return _pos - start;
        }

        private void ReadLiteral(ReadOnlySpan<byte> literal)
        {
            if (!_text[_pos..].StartsWith(literal))
            {
                throw Malformed($"unexpected '{(char)_text[_pos]}'");
            }

            _pos += literal.Length;
        }

        private string ReadString()
        {
            _pos++; // the opening quote
            var start = _pos;
            var hasEscapes = false;
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw Malformed("a string is not closed");
                }

                var c = _text[_pos];
                if (c == '"')
                {
                    break;
                }

                if (c < 0x20)
                {
                    throw Malformed("control characters must be escaped inside strings");
                }

                if (c == '\\')
                {
                    hasEscapes = true;
                    _pos++;
                }

                _pos++;
            }

            var raw = _text[start.._pos];
            _pos++; // the closing quote
            var decoded = Decode(raw);
            return hasEscapes ? Unescape(decoded) : decoded;
        }

        private static string Decode(ReadOnlySpan<byte> raw)
        {
            try
            {
                return StrictUtf8.GetString(raw);
            }
            catch (DecoderFallbackException)
            {
                throw new PayloadException(RejectionReason.InvalidUtf8, "a string is not valid UTF-8");
            }
        }

        private static string Unescape(string s)
        {
            var builder = new StringBuilder(s.Length);
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] != '\\')
                {
                    builder.Append(s[i]);
                    continue;
                }

                var escape = s[++i];
                switch (escape)
                {
                    case '"' or '\\' or '/':
                        builder.Append(escape);
                        break;
                    case 'b':
                        builder.Append('\b');
                        break;
                    case 'f':
                        builder.Append('\f');
                        break;
                    case 'n':
                        builder.Append('\n');
                        break;
                    case 'r':
                        builder.Append('\r');
                        break;
                    case 't':
                        builder.Append('\t');
                        break;
                    case 'u' when i + 4 < s.Length
                        && ushort.TryParse(s.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                        builder.Append((char)code);
                        i += 4;
                        break;
                    default:
                        throw Malformed($"invalid escape sequence '\\{escape}'");
                }
            }

            var result = builder.ToString();
            return HasLoneSurrogate(result)
                ? throw new PayloadException(RejectionReason.InvalidUtf8, "a string contains an unpaired surrogate escape")
                : result;
        }

        private static bool HasLoneSurrogate(string s)
        {
            for (var i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(s[i]))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsIdentifierByte(byte c, bool first) =>
            char.IsAsciiLetter((char)c) || c is (byte)'_' or (byte)'$' || (!first && char.IsAsciiDigit((char)c));

        private void SkipWhitespace()
        {
            while (_pos < _text.Length && _text[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                _pos++;
            }
        }

        private readonly byte Peek() => _pos < _text.Length ? _text[_pos] : (byte)0;

        private byte Next(string messageAtEnd) => _pos < _text.Length ? _text[_pos++] : throw Malformed(messageAtEnd);

        private void Expect(byte expected, string message)
        {
            if (Peek() != expected || _pos >= _text.Length)
            {
                throw Malformed(message);
            }

            _pos++;
        }

        private static PayloadException Malformed(string message) => new(RejectionReason.MalformedJson, message);

        private static PayloadException Missing(string field) => new(RejectionReason.MissingField, $"{field} is missing");

        private static PayloadException Duplicate(string field) => new(RejectionReason.DuplicateField, $"{field} appears more than once");
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Unicode;

using Gradebook.Grading;

namespace Gradebook.Feed;

/// <summary>
/// Reads the <c>data</c> of a <c>score</c> event: a JSON object with <c>studentId</c>, <c>exam</c> and <c>score</c>.
/// The JSON grammar is System.Text.Json's; besides strict JSON the reader accepts the relaxed form the feed was first
/// specified with (<see cref="RelaxedJson"/>), read only when strict reading fails. Unknown fields may hold any JSON
/// value up to <see cref="MaxDepth"/> levels deep and are ignored; anything else that is not JSON is a rejection.
/// </summary>
internal static class ScorePayload
{
    /// <summary>How deeply the payload may nest, its own object included; deeper is a rejection.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    private enum Field { Unknown, StudentId, Exam, Score }

    /// <summary>Parses and validates one payload. Exactly one of the two results is non-null; it never throws.</summary>
    public static (Score? Score, Rejection? Rejection) Read(ReadOnlySpan<byte> utf8)
    {
        // The JSON reader does not check the bytes of strings it skips; RFC 8259 requires UTF-8 throughout.
        if (!Utf8.IsValid(utf8))
        {
            return Rejected(RejectionReason.InvalidUtf8, "the payload is not valid UTF-8");
        }

        try
        {
            return ReadObject(utf8);
        }
        catch (JsonException strict)
        {
            if (RelaxedJson.Normalise(utf8) is not { } normalised)
            {
                return NotJson(strict);
            }

            try
            {
                return ReadObject(normalised);
            }
            catch (JsonException)
            {
                return NotJson(strict);
            }
        }
    }

    /// <summary>Reads one object; a JSON syntax error throws, every other problem is the returned rejection.</summary>
    private static (Score? Score, Rejection? Rejection) ReadObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, Options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Read to the end all the same, so that what is not JSON is told apart from JSON that is not an object.
            reader.Skip();
            reader.Read();
            return Rejected(RejectionReason.MalformedJson, "the payload must be a JSON object");
        }

        string? studentId = null;
        long? exam = null;
        double? score = null;
        Rejection? problem = null;
        var seen = 0;

        // The reader guarantees the object's structure: a property name, then its value, until the object ends.
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader, ref problem);
            reader.Read();
            if (field == Field.Unknown)
            {
                reader.Skip();
                continue;
            }

            var bit = 1 << (int)field;
            if ((seen & bit) != 0)
            {
                problem ??= new Rejection(RejectionReason.DuplicateField, $"{Name(field)} appears more than once");
                reader.Skip();
                continue;
            }

            seen |= bit;
            switch (field)
            {
                case Field.StudentId:
                    studentId = ReadStudentId(ref reader, ref problem);
                    break;
                case Field.Exam:
                    exam = ReadExam(ref reader, ref problem);
                    break;
                default:
                    score = ReadScore(ref reader, ref problem);
                    break;
            }
        }

        // Anything after the object but whitespace is a syntax error, thrown here.
        reader.Read();

        if (problem is not null)
        {
            return (null, problem);
        }

        if (studentId is null || exam is null || score is null)
        {
            var missing = studentId is null ? Field.StudentId : exam is null ? Field.Exam : Field.Score;
            return Rejected(RejectionReason.MissingField, $"{Name(missing)} is missing");
        }

        return StudentIds.Problem(studentId) is { } invalid
            ? Rejected(RejectionReason.InvalidStudentId, invalid)
            : (new Score(studentId, exam.Value, score.Value), null);
    }

    private static Field FieldOf(ref Utf8JsonReader reader, ref Rejection? problem)
    {
        try
        {
            return reader.ValueTextEquals("studentId"u8) ? Field.StudentId
                : reader.ValueTextEquals("exam"u8) ? Field.Exam
                : reader.ValueTextEquals("score"u8) ? Field.Score
                : Field.Unknown;
        }
        catch (InvalidOperationException)
        {
            problem ??= UnpairedSurrogate("a key");
            return Field.Unknown;
        }
    }

    private static string? ReadStudentId(ref Utf8JsonReader reader, ref Rejection? problem)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            problem ??= new Rejection(RejectionReason.InvalidStudentId, "studentId must be a string");
            reader.Skip();
            return null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            problem ??= UnpairedSurrogate("studentId");
            return null;
        }
    }

    /// <summary>An exam is an integer literal: a fraction or an exponent (<c>1.0</c>, <c>1e3</c>) is a rejection.</summary>
    private static long? ReadExam(ref Utf8JsonReader reader, ref Rejection? problem)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            problem ??= new Rejection(RejectionReason.InvalidExam, "exam must be a number");
            reader.Skip();
            return null;
        }

        var token = reader.ValueSpan;
        if (token.IndexOfAny(".eE"u8) >= 0)
        {
            problem ??= new Rejection(RejectionReason.InvalidExam, $"exam must be a whole number, got {Encoding.UTF8.GetString(token)}");
            return null;
        }

        if (!reader.TryGetInt64(out var exam) || !ExamNumbers.IsValid(exam))
        {
            problem ??= new Rejection(RejectionReason.InvalidExam, $"exam must be between 0 and {ExamNumbers.Max}, got {Encoding.UTF8.GetString(token)}");
            return null;
        }

        return exam;
    }

    /// <summary>A score is any JSON number from 0 to 1 read as a double; one that overflows to infinity is out of range.</summary>
    private static double? ReadScore(ref Utf8JsonReader reader, ref Rejection? problem)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            problem ??= new Rejection(RejectionReason.InvalidScore, "score must be a number");
            reader.Skip();
            return null;
        }

        if (!reader.TryGetDouble(out var score) || score is not (>= 0 and <= 1))
        {
            problem ??= new Rejection(RejectionReason.InvalidScore, $"score must be between 0 and 1, got {Encoding.UTF8.GetString(reader.ValueSpan)}");
            return null;
        }

        return score + 0.0; // folds -0 into 0
    }

    private static string Name(Field field) => field switch
    {
        Field.StudentId => "studentId",
        Field.Exam => "exam",
        _ => "score",
    };

    private static Rejection UnpairedSurrogate(string where) =>
        new(RejectionReason.InvalidUtf8, $"{where} contains an escaped surrogate without its pair");

    private static (Score?, Rejection?) NotJson(JsonException e) =>
        Rejected(RejectionReason.MalformedJson, $"the payload is not JSON: {e.Message}");

    private static (Score?, Rejection?) Rejected(RejectionReason reason, string message) => (null, new Rejection(reason, message));
}

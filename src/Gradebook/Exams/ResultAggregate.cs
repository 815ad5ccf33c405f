using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gradebook.Exams;

/// <summary>
/// A test's <see cref="Distribution"/> in percent of the marks available (0 to 100). Each figure is rounded to
/// 10 decimal places, so that 57 marks of 100 read 57.0 and not the 56.99999999999999 that binary fractions give.
/// </summary>
internal sealed record ResultAggregate(
    [property: JsonConverter(typeof(DecimalPointConverter))] double Mean,
    [property: JsonConverter(typeof(DecimalPointConverter)), JsonPropertyName("stddev")] double StandardDeviation,
    [property: JsonConverter(typeof(DecimalPointConverter))] double Min,
    [property: JsonConverter(typeof(DecimalPointConverter))] double Max,
    [property: JsonConverter(typeof(DecimalPointConverter))] double P25,
    [property: JsonConverter(typeof(DecimalPointConverter))] double P50,
    [property: JsonConverter(typeof(DecimalPointConverter))] double P75,
    int Count)
{
    public static ResultAggregate Of(Distribution scores) => new(
        Percent(scores.Mean),
        Percent(scores.StandardDeviation),
        Percent(scores.Min),
        Percent(scores.Max),
        Percent(scores.P25),
        Percent(scores.P50),
        Percent(scores.P75),
        scores.Count);

    private static double Percent(double fraction) => Math.Round(fraction * 100, 10) + 0.0;
}

/// <summary>Writes a whole number with its decimal point (65.0, not 65), so a figure always reads as a measurement.</summary>
internal sealed class DecimalPointConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteRawValue(Format(value), skipInputValidation: true);

    /// <summary>The figure as the JSON writes it, for the CSV to write it the same way.</summary>
    public static string Format(double value) =>
        double.IsInteger(value) && Math.Abs(value) < 1e15
            ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
}

using System.Text.Json.Serialization;

namespace Gradebook.Exams;

/// <summary>
/// How an exam's scores are spread. The standard deviation is the population one (it divides by n): an exam's
/// results are the whole class, not a sample of it. Percentiles interpolate linearly between the closest ranks, as
/// numpy's default and Excel's PERCENTILE.INC do: of n sorted scores x[0..n-1], the p-th lies at rank h = (n - 1)p,
/// that is x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋ + 1] - x[⌊h⌋]).
/// </summary>
internal sealed record Distribution(
    double Mean,
    [property: JsonPropertyName("stddev")] double StandardDeviation,
    double Min,
    double Max,
    double P25,
    double P50,
    double P75,
    int Count)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A distribution needs at least one value.", nameof(values));
        }

        Array.Sort(sorted);
        var (min, max) = (sorted[0], sorted[^1]);

        // Rounding can put the mean of equal values a hair outside them; it is never outside the values.
        var mean = Math.Clamp(sorted.Sum() / sorted.Length, min, max);
        var squares = 0.0;
        foreach (var value in sorted)
        {
            squares += (value - mean) * (value - mean);
        }

        return new Distribution(
            mean,
            Math.Sqrt(squares / sorted.Length),
            min,
            max,
            Percentile(sorted, 0.25),
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.75),
            sorted.Length);
    }

    /// <summary>The <paramref name="p"/>-th quantile (0 to 1) of ascending <paramref name="sorted"/> values, interpolated between the closest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var rank = (sorted.Count - 1) * p;
        var lower = (int)Math.Floor(rank);
        var fraction = rank - lower;
        return fraction == 0 ? sorted[lower] : sorted[lower] + (fraction * (sorted[lower + 1] - sorted[lower]));
    }
}

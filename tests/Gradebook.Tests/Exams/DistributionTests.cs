using System.Text.Json;
using Gradebook.Exams;

namespace Gradebook.Tests.Exams;

public sealed class DistributionTests
{
    [Fact]
    public void One_score_is_every_figure_with_no_spread()
    {
        Assert.Equal(new Distribution(0.65, 0, 0.65, 0.65, 0.65, 0.65, 0.65, 1), Distribution.Of([0.65]));
    }

    [Fact]
    public void Percentiles_interpolate_between_the_closest_ranks_like_numpy_and_percentile_inc()
    {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) == [1.75, 2.5, 3.25]; Excel PERCENTILE.INC agrees.
        var even = Distribution.Of([4, 1, 3, 2]);
        Assert.Equal((1.75, 2.5, 3.25), (even.P25, even.P50, even.P75));

        // numpy.percentile([15, 20, 35, 40, 50], [25, 50, 75]) == [20, 35, 40]: ranks that fall on a score give it exactly.
        var odd = Distribution.Of([50, 15, 40, 20, 35]);
        Assert.Equal((20.0, 35.0, 40.0), (odd.P25, odd.P50, odd.P75));

        // numpy.percentile([1, 10], [25, 50, 75]) == [3.25, 5.5, 7.75]
        var two = Distribution.Of([10, 1]);
        Assert.Equal((3.25, 5.5, 7.75), (two.P25, two.P50, two.P75));

        // The README's example.
        var readme = Distribution.Of([90, 40, 60, 50]);
        Assert.Equal((47.5, 55.0, 67.5), (readme.P25, readme.P50, readme.P75));
    }

    [Fact]
    public void The_standard_deviation_is_the_population_one()
    {
        // numpy.std([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0 (ddof = 0); the sample one would be 2.138...
        var scores = Distribution.Of([2, 4, 4, 4, 5, 5, 7, 9]);

        Assert.Equal(5.0, scores.Mean);
        Assert.Equal(2.0, scores.StandardDeviation);
        Assert.Equal((2.0, 9.0, 8), (scores.Min, scores.Max, scores.Count));
    }

    [Fact]
    public void Equal_scores_have_exactly_that_mean_and_no_spread()
    {
        // Summed, three 0.1s make 0.30000000000000004, and a third of that is not 0.1.
        var scores = Distribution.Of([0.1, 0.1, 0.1]);

        Assert.Equal(0.1, scores.Mean);
        Assert.Equal(0.0, scores.StandardDeviation);
    }

    [Fact]
    public void Figures_agree_with_a_direct_computation_and_stay_within_the_scores()
    {
        var random = new Random(6);
        for (var n = 1; n < 60; n++)
        {
            var values = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble(), 3)).ToArray();
            var sorted = values.Order().ToArray();
            var scores = Distribution.Of(values);

            var mean = values.Average();
            Assert.Equal(mean, scores.Mean, 12);
            Assert.Equal(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / n), scores.StandardDeviation, 12);
            Assert.Equal(sorted[(n - 1) / 2] + (sorted[n / 2] - sorted[(n - 1) / 2]) / 2, scores.P50, 12);
            Assert.True(scores.Min <= scores.P25 && scores.P25 <= scores.P50 && scores.P50 <= scores.P75 && scores.P75 <= scores.Max);
        }
    }

    [Fact]
    public void No_scores_is_no_distribution()
    {
        Assert.Throws<ArgumentException>(() => Distribution.Of([]));
    }

    [Fact]
    public void The_aggregate_is_in_percent_and_prints_whole_numbers_with_a_decimal_point()
    {
        var json = JsonSerializer.Serialize(ResultAggregate.Of(Distribution.Of([0.65])), ExamsJsonContext.Default.ResultAggregate);

        Assert.Equal("""{"mean":65.0,"stddev":0.0,"min":65.0,"max":65.0,"p25":65.0,"p50":65.0,"p75":65.0,"count":1}""", json);
    }

    [Fact]
    public void Percentages_are_rounded_to_ten_decimal_places()
    {
        // 0.57 * 100 is 56.99999999999999 in binary floating point; Python statistics.pstdev agrees on 18.4196620658.
        var aggregate = ResultAggregate.Of(Distribution.Of([0.57, 2.0 / 3, 1]));
        var json = JsonSerializer.Serialize(aggregate, ExamsJsonContext.Default.ResultAggregate);

        Assert.Equal(
            """{"mean":74.5555555556,"stddev":18.4196620658,"min":57.0,"max":100.0,"p25":61.8333333333,"p50":66.6666666667,"p75":83.3333333333,"count":3}""",
            json);
    }
}

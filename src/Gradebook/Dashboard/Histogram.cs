namespace Gradebook.Dashboard;

/// <summary>Scores counted in ten bins of 10 percentage points (the last one includes 100%), for the exam page's SVG.</summary>
internal sealed record Histogram(IReadOnlyList<int> Bins)
{
    public const int Width = 300;
    public const int Height = 140;
    public const int BarWidth = Width / 10;

    public int Max => Math.Max(1, Bins.Max());

    public static Histogram Of(IEnumerable<double> scores)
    {
        var bins = new int[10];
        foreach (var score in scores)
        {
            bins[Math.Clamp((int)(score * 10), 0, 9)]++;
        }

        return new Histogram(bins);
    }

    public int BarHeight(int bin) => (int)Math.Round((double)Bins[bin] * (Height - 20) / Max);
}

using System.Globalization;

namespace Gradebook.Dashboard;

/// <summary>How the pages write numbers, as dashboard.js writes them too.</summary>
internal static class Format
{
    public static string Percent(double score) => (score * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A count with its thousands grouped: 12,345.</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Seconds to one decimal: 0.4 s.</summary>
    public static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>A rate to one decimal: 199.5/s.</summary>
    public static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture) + "/s";

    /// <summary>A number for the page's script, exactly.</summary>
    public static string Raw(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string StudentLink(string studentId) => "/student?id=" + Uri.EscapeDataString(studentId);
}

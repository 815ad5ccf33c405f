using System.Globalization;

namespace Gradebook.Dashboard;

/// <summary>How the pages write numbers: scores as percentages, as dashboard.js writes them too.</summary>
internal static class Format
{
    public static string Percent(double score) => (score * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The score as a number for the page's script, exactly.</summary>
    public static string Raw(double score) => score.ToString("R", CultureInfo.InvariantCulture);

    public static string StudentLink(string studentId) => "/student?id=" + Uri.EscapeDataString(studentId);
}

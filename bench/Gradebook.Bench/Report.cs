using System.Globalization;
using System.Text.Json;

namespace Gradebook.Bench;

/// <summary>One scenario's results: a table for people and a JSON file for tools.</summary>
internal sealed class Report(string scenario, string[] columns)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly List<object[]> _rows = [];
    private readonly List<string> _notes = [];

    public void Add(params object[] row) => _rows.Add(row);

    public void Note(string note) => _notes.Add(note);

    public void Print()
    {
        var cells = _rows.Select(r => r.Select(Format).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        Console.WriteLine("| " + string.Join(" | ", columns.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in cells)
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))) + " |");
        }

        foreach (var note in _notes)
        {
            Console.WriteLine(note);
        }
    }

    public string Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{scenario}.json");
        var json = new
        {
            scenario,
            measuredAt = DateTimeOffset.UtcNow,
            machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), runtime = Environment.Version.ToString() },
            rows = _rows.Select(r => columns.Zip(r).ToDictionary(p => p.First, p => p.Second)),
            notes = _notes,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(json, Indented));
        return path;
    }

    private static string Format(object value) => value switch
    {
        double d when Math.Abs(d) >= 1000 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

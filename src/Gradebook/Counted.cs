namespace Gradebook;

/// <summary>Nouns that agree with their count in log lines: "1 event", "2 events".</summary>
internal static class Counted
{
    public static string Noun(long count, string one, string many) => count == 1 ? one : many;
}

using Gradebook.Storage;

namespace Gradebook.Rebuild;

/// <summary><c>dotnet run --project src/Gradebook -- rebuild</c>: re-derives everything from the raw records, then exits.</summary>
internal static class RebuildCommand
{
    public static async Task<int> RunAsync(string[] settings, bool keptRecordOnly = false)
    {
        var builder = CommandHost.CreateBuilder(settings);
        builder.Services.AddGradebookStore(builder.Configuration);
        builder.Services.AddSingleton<Rebuilder>();
        using var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            var dropped = await host.Services.GetRequiredService<RawRecordStore>().DropsAsync(CancellationToken.None);
            if (dropped.Count > 0 && !keptRecordOnly)
            {
                // A rebuild derives results from the raw record alone: without these periods it would lose the results only they held.
                await Console.Error.WriteLineAsync(
                    $"Gradebook will not rebuild: retention dropped {dropped.Count} periods of the raw record, and results derived from them would be lost. " +
                    "Restore each archive first ('restore FILE'), or rebuild from what is kept with --kept-record-only.");
                foreach (var drop in dropped)
                {
                    await Console.Error.WriteLineAsync($"  {drop.Period.Name}: {drop.Counts}; archive: {drop.Archive ?? "none"}");
                }

                return 1;
            }

            var report = await host.Services.GetRequiredService<Rebuilder>().RunAsync(CancellationToken.None);
            Console.WriteLine(
                $"Rebuilt from {report.Events} raw events ({report.Accepted} accepted, {report.Rejected} rejected, {report.Ignored} ignored; " +
                $"{report.OutcomesChanged} outcomes changed) and {report.Imports} imports ({report.ImportsAccepted} accepted, " +
                $"{report.ImportsRejected} rejected; {report.ImportOutcomesChanged} outcomes changed): {report.Results} results.");
            return 0;
        }
        catch (StoreUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot rebuild: {e.Message}");
            return 1;
        }
    }
}

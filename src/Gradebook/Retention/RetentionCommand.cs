using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Retention;

/// <summary>
/// <c>archive</c>: one pass of the retention policy now, each period archived before it is dropped; <c>restore FILE</c>:
/// an archive's rows back in the raw record. Both with the service's configuration; exit 0 done, 1 failed, 2 usage.
/// </summary>
internal static class RetentionCommand
{
    public static async Task<int> ArchiveAsync(string[] settings, TimeSpan? olderThan, string? directory)
    {
        using var host = Build(settings);
        try
        {
            var options = host.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
            if ((olderThan ?? options.RawRecord) is not { } keep || keep <= TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync("archive needs a positive period to keep: give --older-than (as in 400.00:00:00) or set Retention:RawRecord.");
                return 2;
            }

            if ((directory ?? options.ArchiveDirectory) is not { Length: > 0 } archives)
            {
                await Console.Error.WriteLineAsync("archive needs a directory to write to: give --to DIR or set Retention:ArchiveDirectory.");
                return 2;
            }

            await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            var dropped = await host.Services.GetRequiredService<RawRecordRetention>().RunAsync(keep, archives, CancellationToken.None);
            foreach (var period in dropped)
            {
                Console.WriteLine($"Archived and dropped {period.Period.Name}: {period.Counts}, in {period.Archive}.");
            }

            Console.WriteLine(dropped.Count == 0
                ? $"Nothing of the raw record is older than {keep.TotalDays:0.##} days by whole periods."
                : $"{dropped.Count} periods archived and dropped.");
            return 0;
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot archive: {e.Message}");
            return 1;
        }
    }

    public static async Task<int> RestoreAsync(string[] settings, string file)
    {
        using var host = Build(settings);
        try
        {
            var period = await RawRecordArchive.ReadPeriodAsync(file, CancellationToken.None);

            // Read whole once before anything is written: a damaged archive restores nothing, not the rows before the damage.
            await foreach (var _ in RawRecordArchive.ReadRowsAsync(file, CancellationToken.None))
            {
            }

            await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            var counts = await host.Services.GetRequiredService<RawRecordStore>()
                .RestoreAsync(period, RawRecordArchive.ReadRowsAsync(file, CancellationToken.None), CancellationToken.None);
            Console.WriteLine($"Restored {period.Name}: {counts}. Run 'rebuild' to derive results from it again.");
            return 0;
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException or IOException or UnauthorizedAccessException
            or InvalidDataException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot restore {file}: {e.Message}");
            return 1;
        }
    }

    private static IHost Build(string[] settings)
    {
        var builder = CommandHost.CreateBuilder(settings);
        builder.Services.AddGradebookStore(builder.Configuration);
        builder.Services.AddRetention(builder.Configuration);
        return builder.Build();
    }
}

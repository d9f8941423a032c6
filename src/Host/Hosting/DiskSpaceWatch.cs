using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steadfast.Actors;

namespace Steadfast.Hosting;

/// <summary>
/// Disk pressure is a state, not a storm: every second the free space of the journal's volume (where Litestream's
/// shadow WAL grows too) is compared with <see cref="SteadfastOptions.MinFreeDiskMegabytes"/>. Below it, the routers
/// refuse new starts (<c>Overloaded</c>, saying why) while running workflows go on; above it again, starts are taken.
/// Each change is logged once.
/// </summary>
public sealed class DiskSpaceWatch(SteadfastOptions options, IRequiredActor<WorkflowRouter> registry, SteadfastTenants tenants, ILogger<DiskSpaceWatch> log)
    : BackgroundService
{
    private string? _low; // why new starts are refused now

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Storage.IsPostgreSql) return; // the journal is not on this machine's disk
        var folder = Path.GetDirectoryName(options.DatabasePath)!;
        var minimumMegabytes = options.MinFreeDiskMegabytes ?? DefaultMegabytes(folder);
        var minimum = minimumMegabytes * 1024L * 1024;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                var free = FreeBytes(folder);
                if (free is null) continue;
                if (free < minimum && _low is null)
                {
                    _low = $"Only {free / (1024 * 1024)} MB are free on the journal's volume ({folder}), below Steadfast:MinFreeDiskMegabytes " +
                          $"({minimumMegabytes} MB): new starts are refused until space is freed; running workflows go on.";
                    log.DiskLow(_low);
                    Tell(new DiskPressure(_low));
                }
                else if (free >= minimum && _low is not null)
                {
                    _low = null;
                    log.DiskFreeAgain(free.Value / (1024 * 1024));
                    Tell(new DiskPressure(null));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    // Every journal is in the data folder, on this volume: the default one's router and each tenant's.
    private void Tell(DiskPressure pressure)
    {
        registry.ActorRef.Tell(pressure);
        tenants.TellAll(pressure);
    }

    // 5 % of the volume, at most 256 MB: a small volume (a container's, a test's tmpfs) is not refused from the start.
    private static long DefaultMegabytes(string folder)
    {
        try
        {
            return Math.Min(256, new DriveInfo(folder).TotalSize / 20 / (1024 * 1024));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 256;
        }
    }

    private static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}

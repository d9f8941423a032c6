using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Steadfast.Hosting;

/// <summary>
/// Stops the host when its journal file disappears while it runs (the data folder deleted, the disk unmounted), and
/// faults a tenant whose file disappears (that tenant alone). SQLite would go on writing to the deleted file, so every
/// later write would be acknowledged and then lost; stopping loudly is the only safe answer. With replication on, the
/// next start (or adding the tenant again) restores from the replica.
/// </summary>
public sealed class JournalFileGuard(SteadfastOptions options, SteadfastTenants tenants, IHostApplicationLifetime lifetime, ILogger<JournalFileGuard> log)
    : BackgroundService
{
    /// <summary>The process exit code after the guard stopped the host.</summary>
    public const int ExitCode = 5;

    /// <summary>How often the file is checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly HashSet<string> _faulting = [];

    private async Task FaultAsync(string tenant, string file)
    {
        try
        {
            await tenants.FaultAsync(tenant, $"its journal {file} was removed while the host ran; add the tenant again (or restart the host) to restore it from its replica.");
        }
        catch (Exception e)
        {
            log.TenantFaultFailed(tenant, e.Message);
        }
        finally
        {
            lock (_faulting) _faulting.Remove(tenant);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Storage.IsPostgreSql) return; // no file to watch
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!File.Exists(options.DatabasePath))
                {
                    log.JournalRemoved(options.DatabasePath);
                    Environment.ExitCode = ExitCode;
                    lifetime.StopApplication();
                    return;
                }
                foreach (var tenant in tenants.Running)
                {
                    var file = options.ForTenant(tenant).DatabasePath;
                    if (File.Exists(file)) continue;
                    lock (_faulting)
                        if (!_faulting.Add(tenant)) continue;
                    log.TenantJournalRemoved(tenant, file);
                    // Not awaited: a tenant being added or removed meanwhile holds the tenants' lock, and this loop
                    // must go on watching the default journal.
                    _ = FaultAsync(tenant, file);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // host stopping
        }
    }
}

using Akka.Configuration;
using Steadfast.Actors.Storage;
using Steadfast.Runtime;

namespace Steadfast.Actors.Tests;

/// <summary>A real journal the specs run hosts on: a SQLite file, or a PostgreSQL database; the specs that matter run on both.</summary>
public interface IJournalUnderTest : IDisposable
{
    /// <summary>A "host" (actor system and router) on this journal, as after a restart when one ran before.</summary>
    TestHost StartHost(SteadfastRegistry registry, string name = "host", Config? extra = null);

    /// <summary>A scalar count; 0 when the plugin has not created its tables yet.</summary>
    long Count(string sql);

    /// <summary>Rows of the journal table in order: (persistence id, manifest, payload text).</summary>
    List<(string PersistenceId, string Manifest, string Payload)> Rows(string? persistenceId = null);

    /// <summary>The unfinished workflows, as the next host start finds them.</summary>
    Task<UnfinishedWorkflows.Found> FindUnfinished();
}

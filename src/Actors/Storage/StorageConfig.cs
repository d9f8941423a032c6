using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>
/// The Akka.Persistence.Sql configuration for one SQLite journal file: journal, snapshot store, tag table
/// and read journal all in the same file. Composed with the serializer and the router by <see cref="SteadfastActorSystem"/>.
/// </summary>
public static class StorageConfig
{
    /// <summary>linq2db's provider name for Microsoft.Data.Sqlite.</summary>
    public const string SqliteProvider = "SQLite.MS";

    /// <summary>The connection string the plugin uses. Microsoft.Data.Sqlite retries a busy database for <c>Default Timeout</c> seconds.</summary>
    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// The plugin's connection options for each journal file, keyed by plugin id (so that a plugin of the embedder's own,
    /// on another database, keeps its options): the same connection string plus a per-connection
    /// <see cref="SqliteBusyTimeout"/> and <see cref="YieldBeforeDatabaseWork"/>, which HOCON cannot express.
    /// Add it to the actor system's setup.
    /// </summary>
    public static MultiDataOptionsSetup SqliteSetup(IEnumerable<TenantJournal> journals)
    {
        var setup = new MultiDataOptionsSetup();
        foreach (var journal in journals) AddSqliteOptions(setup, journal);
        return setup;
    }

    /// <summary>Adds <paramref name="journal"/>'s plugins to <paramref name="setup"/> (also after start: a plugin reads it when it starts).</summary>
    public static void AddSqliteOptions(MultiDataOptionsSetup setup, TenantJournal journal)
    {
        var options = new DataOptions()
            .UseConnectionString(SqliteProvider, ConnectionString(journal.DatabasePath))
            .UseInterceptor(new SqliteBusyTimeout(TimeSpan.FromSeconds(30)))
            .UseInterceptor(new YieldBeforeDatabaseWork());
        setup.AddDataOptions(journal.JournalPluginId, options);
        setup.AddDataOptions(journal.SnapshotPluginId, options);
        if (journal.Tenant is null) setup.AddDataOptions(QueryPluginId, options);
    }

    private const string QueryPluginId = "akka.persistence.query.journal.sql";

    /// <summary>
    /// What a tenant's journal and snapshot plugins have of their own: their plugin ids and their file. The rest is the
    /// default plugins' configuration as the actor system resolved it (classes, batching, circuit breaker, dispatcher,
    /// the user's overrides), placed beneath this when the tenant starts.
    /// </summary>
    public static Config ForTenant(TenantJournal journal)
    {
        var cs = Quote(ConnectionString(journal.DatabasePath));
        return ConfigurationFactory.ParseString($$"""
            {{journal.JournalPluginId}} {
              plugin-id = "{{journal.JournalPluginId}}"
              connection-string = {{cs}}
            }
            {{journal.SnapshotPluginId}} {
              plugin-id = "{{journal.SnapshotPluginId}}"
              connection-string = {{cs}}
            }
            """);
    }

    /// <summary>
    /// HOCON that points every persistence plugin at <paramref name="databasePath"/>. SQLite has one writer, so the
    /// journal writes one batch at a time (the plugin's default of 3 only adds lock waits); the writes that queue
    /// meanwhile form the next batch. The journal is the plugin's with batched sequence-number reads
    /// (<see cref="SteadfastSqlJournal"/>).
    /// </summary>
    public static Config ForSqlite(string databasePath) =>
        ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.sql {
              class = "{{typeof(SteadfastSqlJournal).AssemblyQualifiedName}}"
              parallelism = 1
            }
            """).WithFallback(ForProvider(ConnectionString(databasePath), SqliteProvider));

    /// <summary>HOCON for any provider linq2db supports (PostgreSQL later uses the same path).</summary>
    public static Config ForProvider(string connectionString, string providerName)
    {
        var cs = Quote(connectionString);
        var provider = Quote(providerName);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = {{cs}}
                  provider-name = {{provider}}
                  auto-initialize = on
                  tag-write-mode = TagTable
                }
              }
              query.journal.sql {
                connection-string = {{cs}}
                provider-name = {{provider}}
                tag-read-mode = TagTable
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = {{cs}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
            }
            """).WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration); // the plugins' own defaults, needed before the extension loads them
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

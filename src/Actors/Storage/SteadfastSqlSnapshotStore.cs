using Akka.Configuration;
using Akka.Persistence.Sql.Snapshot;

namespace Steadfast.Actors.Storage;

/// <summary>The plugin's snapshot store, for a tenant's journal file: its block inherits the default store's settings.</summary>
public sealed class SteadfastSqlSnapshotStore(Config snapshotConfig) : SqlSnapshotStore(InheritedPluginConfig.Resolve(snapshotConfig, Context.System));

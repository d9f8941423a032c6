using Microsoft.Data.Sqlite;

namespace Steadfast.Actors.Storage;

/// <summary>The <c>IN (…)</c> list of Steadfast's bulk reads by persistence id, bound as parameters, a bounded number per query.</summary>
internal static class PersistenceIdList
{
    /// <summary>Ids per query: well under SQLite's parameter limit, and one query still answers hundreds of actors.</summary>
    public const int PerQuery = 500;

    /// <summary>Binds <paramref name="persistenceIds"/> to <paramref name="command"/> and returns the list for <c>IN (…)</c>.</summary>
    public static string Bind(SqliteCommand command, IEnumerable<string> persistenceIds) =>
        string.Join(", ", persistenceIds.Select((id, i) => command.Parameters.AddWithValue($"$p{i}", id).ParameterName));
}

namespace Steadfast.Hosting;

/// <summary>Where the journal lives, section <c>Steadfast:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The SQLite provider (the default): one file in <see cref="SteadfastOptions.DataDirectory"/>, replicated by Litestream.</summary>
    public const string Sqlite = "Sqlite";

    /// <summary>The PostgreSQL provider: the database of <see cref="ConnectionString"/>.</summary>
    public const string PostgreSql = "PostgreSql";

    /// <summary>The environment variable read for the PostgreSQL connection string when <see cref="ConnectionString"/> is not set.</summary>
    public const string ConnectionStringVariable = "STEADFAST_POSTGRES";

    /// <summary><c>Sqlite</c> (default) or <c>PostgreSql</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>PostgreSQL: an Npgsql connection string; default <c>STEADFAST_POSTGRES</c>. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>True when the journal is on PostgreSQL.</summary>
    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>The PostgreSQL connection string in effect (configuration, then the environment).</summary>
    public string? EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) ? Environment.GetEnvironmentVariable(ConnectionStringVariable) : ConnectionString;

    internal IEnumerable<string> Validate(SteadfastOptions options)
    {
        if (!IsPostgreSql && !string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase))
            yield return $"Steadfast:Storage:Provider must be {Sqlite} or {PostgreSql}, got '{Provider}'.";
        if (!IsPostgreSql) yield break;
        if (string.IsNullOrWhiteSpace(EffectiveConnectionString))
            yield return $"Steadfast:Storage:Provider is {PostgreSql} but no connection string is set: set Steadfast:Storage:ConnectionString or {ConnectionStringVariable}.";
        if (options.Tenants.Count > 0) yield return "Steadfast:Tenants are SQLite files: they cannot be combined with Steadfast:Storage:Provider = PostgreSql.";
    }
}

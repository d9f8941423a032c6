namespace Steadfast.Actors.Storage;

/// <summary>A journal could not be read for inspection; <see cref="Error"/> says which problem it was.</summary>
public sealed class JournalReadException(JournalReadError error, string message) : Exception(message)
{
    /// <summary>What went wrong.</summary>
    public JournalReadError Error { get; } = error;
}

/// <summary>Why a journal could not be read for inspection.</summary>
public enum JournalReadError
{
    /// <summary>The file does not exist.</summary>
    MissingFile,
    /// <summary>The file is not a SQLite database.</summary>
    NotSqlite,
    /// <summary>A SQLite database without a Steadfast journal.</summary>
    NotAJournal,
    /// <summary>An event this version cannot read (written by a newer version).</summary>
    UnknownEventVersion,
    /// <summary>No workflow has that id.</summary>
    UnknownWorkflow,
}

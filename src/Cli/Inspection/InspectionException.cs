namespace Steadfast.Cli.Inspection;

/// <summary>An inspection could not be done; <see cref="ExitCode"/> tells scripts which problem it was.</summary>
public sealed class InspectionException(InspectionError error, string message) : Exception(message)
{
    /// <summary>What went wrong.</summary>
    public InspectionError Error { get; } = error;

    /// <summary>The process exit code for <see cref="Error"/>.</summary>
    public int ExitCode => (int)Error;
}

/// <summary>Inspection problems, numbered as the CLI's exit codes.</summary>
public enum InspectionError
{
    /// <summary>The replay diverged from the journal.</summary>
    Diverged = 1,
    /// <summary>The file does not exist.</summary>
    MissingFile = 10,
    /// <summary>The file is not a SQLite database.</summary>
    NotSqlite = 11,
    /// <summary>A SQLite database without a Steadfast journal.</summary>
    NotAJournal = 12,
    /// <summary>An event this version cannot read (written by a newer version).</summary>
    UnknownEventVersion = 13,
    /// <summary>No workflow has that id.</summary>
    UnknownWorkflow = 14,
    /// <summary>The workflow code could not be loaded for a replay.</summary>
    NoWorkflowCode = 15,
}

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
    // 10-14: the journal could not be read (JournalReadException, mapped in Program.ExitCodeOf).
    /// <summary>The workflow code could not be loaded for a replay.</summary>
    NoWorkflowCode = 15,
    /// <summary>The replica folder given to <c>fleet</c> does not exist.</summary>
    MissingReplica = 16,
}

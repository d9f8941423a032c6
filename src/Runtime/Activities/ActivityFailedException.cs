namespace Steadfast.Runtime;

/// <summary>
/// Thrown into workflow code when an activity call has failed for good (attempts exhausted, a non-retryable
/// error, or an activity that is not registered). Workflow code may catch it and compensate.
/// </summary>
public sealed class ActivityFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActivityFailedException(string activityName, int sequence, string errorType, string errorMessage, int attempts)
        : base($"Activity '{activityName}' (step {sequence}) failed after {attempts} attempt(s): {errorType}: {errorMessage}")
    {
        ActivityName = activityName;
        Sequence = sequence;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
        Attempts = attempts;
    }

    /// <summary>The activity's registered name.</summary>
    public string ActivityName { get; }

    /// <summary>The step number of the call.</summary>
    public int Sequence { get; }

    /// <summary>The type name of the last attempt's exception.</summary>
    public string ErrorType { get; }

    /// <summary>The last attempt's error message.</summary>
    public string ErrorMessage { get; }

    /// <summary>How many attempts ran.</summary>
    public int Attempts { get; }
}

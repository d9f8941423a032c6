namespace Steadfast.Runtime;

/// <summary>Thrown by an activity to fail its call at once, whatever the retry policy says.</summary>
public class NonRetryableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonRetryableException(string message, Exception? inner = null) : base(message, inner) { }
}

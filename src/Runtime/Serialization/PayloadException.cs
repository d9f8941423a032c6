namespace Steadfast.Runtime;

/// <summary>A payload (workflow input, activity input or result) could not be read or written as JSON, or is too large.</summary>
public sealed class PayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PayloadException(string message, Exception? inner = null) : base(message, inner) { }
}

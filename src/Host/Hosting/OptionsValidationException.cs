namespace Steadfast.Hosting;

/// <summary>Host options are invalid; the host does not start.</summary>
public sealed class OptionsValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid Steadfast configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    /// <summary>One line per bad value.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

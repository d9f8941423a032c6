using System.Text.RegularExpressions;
using Steadfast.Runtime;

namespace Steadfast.Actors;

/// <summary>Checks a start request before anything is journaled.</summary>
internal static partial class StartValidation
{
    public const int MaxIdLength = 128;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The rejection for <paramref name="m"/>, or null when it may be started.</summary>
    public static StartRejected? Check(StartWorkflow m, SteadfastRegistry registry, int maxPayloadBytes)
    {
        if (!IsValidId(m.WorkflowId))
            return Reject(m, StartRejection.InvalidId,
                $"Workflow id '{Echo.Clip(m.WorkflowId)}' is invalid: use 1 to {MaxIdLength} characters of letters, digits and . _ - : @, starting with a letter or digit.");
        if (string.IsNullOrEmpty(m.WorkflowType) || !registry.TryGetWorkflow(m.WorkflowType, out var workflow))
            return Reject(m, StartRejection.UnknownType,
                $"Workflow type '{Echo.Clip(m.WorkflowType)}' is not registered. Registered: {string.Join(", ", registry.Workflows.Select(w => w.Name).Order())}.");
        if (PayloadCodec.SizeProblem(m.InputJson ?? "", maxPayloadBytes, "Input") is { } tooLarge)
            return Reject(m, StartRejection.PayloadTooLarge, tooLarge);
        try
        {
            PayloadCodec.ValidateJson(m.InputJson ?? "", "Input");
            if (PayloadCodec.Deserialize(m.InputJson!, workflow.InputType) is null && Nullable.GetUnderlyingType(workflow.InputType) is null)
                return Reject(m, StartRejection.MalformedInput, $"Input is JSON null, but {workflow.Name} needs a {workflow.InputType.Name}.");
        }
        catch (PayloadException e)
        {
            return Reject(m, StartRejection.MalformedInput, e.Message);
        }
        return null;
    }

    /// <summary>The problem with a signal's name or payload, or null.</summary>
    public static string? CheckSignal(SignalWorkflow m, int maxPayloadBytes)
    {
        if (string.IsNullOrWhiteSpace(m.Name) || m.Name.Length > 200) return $"Signal name '{Echo.Clip(m.Name)}' must be 1 to 200 characters.";
        if (m.SignalId is { } id && (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)) return $"Signal id '{Echo.Clip(id)}' must be 1 to {MaxIdLength} characters.";
        if (PayloadCodec.SizeProblem(m.PayloadJson ?? "", maxPayloadBytes, "Signal payload") is { } tooLarge) return tooLarge;
        try
        {
            PayloadCodec.ValidateJson(m.PayloadJson ?? "", "Signal payload");
            return null;
        }
        catch (PayloadException e)
        {
            return e.Message;
        }
    }

    private static StartRejected Reject(StartWorkflow m, StartRejection reason, string message) => new(m.WorkflowId, reason, message);

}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Steadfast.Runtime;

/// <summary>The one JSON codec for workflow and activity payloads, shared by the engine, the journal and the CLI.</summary>
public static class PayloadCodec
{
    /// <summary>Web defaults (camelCase, case-insensitive reads), without HTML escaping so journals read well.</summary>
    /// <remarks>
    /// Constructor parameters without a default value are required: <c>{"foo":1}</c> for a positional record is a
    /// wrong shape, not a record of defaults. Unknown members are ignored, so senders may be newer than the code.
    /// </remarks>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>True when two JSON texts are the same value: object member order and insignificant whitespace do not count.</summary>
    public static bool SameJson(string a, string b)
    {
        if (a == b) return true;
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Serializes a payload to compact JSON.</summary>
    public static string Serialize<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value, Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new PayloadException($"Cannot serialize {typeof(T).Name} to JSON: {e.Message}", e);
        }
    }

    /// <summary>Deserializes a payload; malformed JSON, a wrong shape or a null for a required value is a <see cref="PayloadException"/>.</summary>
    public static T Deserialize<T>(string json)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            throw new PayloadException($"JSON does not fit {typeof(T).Name}: {e.Message}", e);
        }
        if (value is null && Nullable.GetUnderlyingType(typeof(T)) is null)
            throw new PayloadException($"JSON null is not a valid {typeof(T).Name}.");
        return value!;
    }

    /// <summary>
    /// The problem when <paramref name="json"/> is over <paramref name="maxBytes"/> UTF-8 bytes, or null: the one wording
    /// of the payload limit (start inputs, signals, activity inputs and results, workflow results).
    /// </summary>
    /// <param name="json">The payload.</param>
    /// <param name="maxBytes">The limit (<c>steadfast.max-payload-bytes</c>).</param>
    /// <param name="what">What the payload is, as the message's subject, e.g. <c>Input</c>.</param>
    public static string? SizeProblem(string json, int maxBytes, string what)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(json);
        return bytes > maxBytes ? $"{what} is {bytes} bytes, over the limit of {maxBytes} bytes." : null;
    }

    /// <summary>Throws when <paramref name="json"/> is over the payload limit (see <see cref="SizeProblem"/>).</summary>
    /// <exception cref="PayloadException">It is.</exception>
    public static void CheckSize(string json, int maxBytes, string what)
    {
        if (SizeProblem(json, maxBytes, what) is { } problem) throw new PayloadException(problem);
    }

    /// <summary>Checks that a string is one well-formed JSON value and returns it unchanged.</summary>
    public static string ValidateJson(string json, string what)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
            return json;
        }
        catch (JsonException e)
        {
            throw new PayloadException($"{what} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Deserializes to a runtime type (used where only the registration knows the type).</summary>
    public static object? Deserialize(string json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, Options);
        }
        catch (JsonException e)
        {
            throw new PayloadException($"JSON does not fit {type.Name}: {e.Message}", e);
        }
    }
}

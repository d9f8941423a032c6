using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steadfast.Runtime;

/// <summary>Writes a string that already holds JSON as that JSON (not as an escaped string), so journals read well.</summary>
internal sealed class RawJsonConverter : JsonConverter<string>
{
    // JSON null is a payload like any other: keep it as the text "null".
    public override bool HandleNull => true;

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value, skipInputValidation: false);
}

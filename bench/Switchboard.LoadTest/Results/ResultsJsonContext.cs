using System.Text.Json.Serialization;

namespace Switchboard.LoadTest.Results;

/// <summary>Result files: indented, camelCase, nulls left out; read back by the <c>report</c> command.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ScenarioResult))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;

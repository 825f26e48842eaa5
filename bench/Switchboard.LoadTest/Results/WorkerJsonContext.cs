using System.Text.Json.Serialization;
using Switchboard.LoadTest.Coordination;

namespace Switchboard.LoadTest.Results;

/// <summary>Worker processes talk one JSON object a line, so this context writes no line breaks.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(WorkerMessage))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;

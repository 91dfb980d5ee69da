using System.Text.Json.Serialization;

namespace Bff.Security;

/// <summary>The webhook's body: camelCase, members without a value left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecurityEvent))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;

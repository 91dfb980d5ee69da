using Bff.Idp;
using System.Text.Json.Serialization;

namespace Bff.Sessions;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SessionMetadata))]
[JsonSerializable(typeof(TokenSet))]
[JsonSerializable(typeof(BffSession))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Bff.Endpoints;

/// <summary>The JSON of the logout and sessions endpoints.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LogoutResponse))]
[JsonSerializable(typeof(RevokeOthersResponse))]
[JsonSerializable(typeof(IReadOnlyList<SessionInfo>))]
internal sealed partial class LifecycleJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Bff.Endpoints;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(CsrfResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;

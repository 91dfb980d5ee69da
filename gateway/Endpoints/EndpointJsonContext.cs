using System.Text.Json.Serialization;

namespace Bff.Endpoints;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Bff.Lifecycle;

[JsonSerializable(typeof(PendingRevocation))]
internal sealed partial class RevocationJsonContext : JsonSerializerContext;

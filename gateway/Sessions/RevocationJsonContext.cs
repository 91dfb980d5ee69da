using System.Text.Json.Serialization;

namespace Bff.Sessions;

[JsonSerializable(typeof(PendingRevocation))]
internal sealed partial class RevocationJsonContext : JsonSerializerContext;

using Bff.Idp;

namespace Bff.Tokens;

/// <summary>A client-credentials token to forward, or why there is none.</summary>
/// <param name="Token">The token; null when there is none.</param>
/// <param name="Error">The IdP's error code when it refused a token for the route's API; null for an outage.</param>
internal readonly record struct ClientTokenResult(BearerToken? Token, string? Error);

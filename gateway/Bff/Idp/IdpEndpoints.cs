namespace Bff.Idp;

/// <summary>What the gateway uses of the IdP's discovery document.</summary>
internal sealed record IdpEndpoints(
    string Issuer,
    Uri TokenEndpoint,
    Uri? RevocationEndpoint,
    Uri? EndSessionEndpoint,
    Uri? PushedAuthorizationEndpoint,
    IReadOnlyCollection<string> AuthMethods,
    IReadOnlyCollection<string> AssertionSigningAlgorithms);

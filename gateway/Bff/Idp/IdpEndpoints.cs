namespace Bff.Idp;

/// <summary>The IdP endpoints and client authentication the gateway uses, read from discovery.</summary>
internal sealed record IdpEndpoints(Uri TokenEndpoint, Uri? RevocationEndpoint, Uri? EndSessionEndpoint, bool UseBasicAuthentication);

namespace Bff.Idp;

/// <summary>The IdP answered a back-channel call with an error: it is reachable, so this is no outage.</summary>
internal sealed class IdpRefusedException(string message) : Exception(message);

namespace Bff.Idp;

/// <summary>Whether the IdP's discovery document has been loaded since start (readiness).</summary>
internal sealed class IdpDiscoveryState
{
    private volatile bool _loaded;

    public bool Loaded => _loaded;

    public void MarkLoaded() => _loaded = true;
}

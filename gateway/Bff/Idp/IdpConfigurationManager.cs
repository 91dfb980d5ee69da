using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Idp;

/// <summary>
/// The IdP's discovery document and signing keys, for the OIDC handler, the token client and logout-token
/// validation alike. IdentityModel's own manager answers a refresh request (made when a token names a key it does
/// not know, as after the IdP rotated its keys) in the background and hands the caller the old keys meanwhile, so the
/// first login after a rotation fails. Here that caller waits for the new keys (one fetch, shared), and such
/// requests are honoured at most once per <see cref="BaseConfigurationManager.RefreshInterval"/>, so a flood of
/// tokens with made-up key ids costs one fetch. The periodic refresh (every
/// <see cref="BaseConfigurationManager.AutomaticRefreshInterval"/>) runs in the background.
/// </summary>
internal sealed class IdpConfigurationManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly IDocumentRetriever _documents;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _refreshDue;
    private DateTimeOffset _lastRequested = DateTimeOffset.MinValue;
    private bool _refreshRequested;
    private Task<OpenIdConnectConfiguration>? _fetch;

    public IdpConfigurationManager(string metadataAddress, IDocumentRetriever documents, TimeProvider time)
    {
        MetadataAddress = metadataAddress;
        _documents = documents;
        _time = time;
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        await GetConfigurationAsync(cancel);

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        OpenIdConnectConfiguration? current;
        Task<OpenIdConnectConfiguration> fetch;
        lock (_lock)
        {
            current = _current;
            if (current is not null && !_refreshRequested)
            {
                if (_time.GetUtcNow() >= _refreshDue)
                {
                    StartFetch();
                }

                return current;
            }

            fetch = StartFetch();
        }

        try
        {
            return await fetch.WaitAsync(cancel);
        }
        catch (Exception) when (current is not null && !cancel.IsCancellationRequested)
        {
            // The IdP cannot be asked now: the keys held are better than none.
            return current;
        }
    }

    /// <summary>Makes the next caller wait for a fresh fetch, unless one was requested within <see cref="BaseConfigurationManager.RefreshInterval"/>.</summary>
    public override void RequestRefresh()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (now - _lastRequested < RefreshInterval)
            {
                return;
            }

            _lastRequested = now;
            _refreshRequested = true;
        }
    }

    // Called under the lock: one fetch at a time, joined by whoever comes while it runs.
    private Task<OpenIdConnectConfiguration> StartFetch() => _fetch ??= FetchAsync();

    private async Task<OpenIdConnectConfiguration> FetchAsync()
    {
        // Off the caller's lock before any work is done.
        await Task.Yield();
        try
        {
            // Not a caller's token: the fetch is shared, and the back-channel client has its own timeout.
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(MetadataAddress, _documents, CancellationToken.None);
            lock (_lock)
            {
                _current = configuration;
                _refreshDue = _time.GetUtcNow() + AutomaticRefreshInterval;
                _refreshRequested = false;
                _fetch = null;
            }

            return configuration;
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                // With keys in hand, an IdP outage is retried after RefreshInterval, not on every call.
                _refreshDue = _time.GetUtcNow() + RefreshInterval;
                _refreshRequested = false;
                _fetch = null;
            }

            // IdentityModel's message for the same failure, which hosts (and IdpFailure) recognise.
            throw new InvalidOperationException($"IDX20803: Unable to obtain configuration from: '{MetadataAddress}'.", ex);
        }
    }
}

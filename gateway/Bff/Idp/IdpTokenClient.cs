using Bff.Configuration;
using Bff.Telemetry;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Idp;

/// <summary>
/// Calls the IdP's token and revocation endpoints as the confidential client. A refresh-token grant is
/// never retried here: with rotation, replaying a refresh token whose first use may have succeeded is
/// exactly what makes an IdP revoke the whole grant.
/// </summary>
internal sealed partial class IdpTokenClient(
    IHttpClientFactory clients,
    IdpMetadata metadata,
    ClientAuthenticator authenticator,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<IdpTokenClient> logger)
{
    public const string HttpClientName = "bff-idp";

    private readonly BffOptions _options = options.Value;

    // What a token endpoint answers when it will not issue this token although the grant and the client are fine.
    private static readonly HashSet<string> RefusalErrors = new(StringComparer.Ordinal)
    {
        "invalid_target", "invalid_scope", "access_denied", "consent_required",
    };

    public Task<IdpTokenResult> RefreshAsync(TokenSet current, CancellationToken cancellationToken) =>
        RefreshAsync(null, current, null, null, cancellationToken);

    public Task<IdpTokenResult> RefreshAsync(TokenSet current, string? resource, string? scope, CancellationToken cancellationToken) =>
        RefreshAsync(null, current, resource, scope, cancellationToken);

    /// <param name="client">The client the session logged in with (the IdP binds a refresh token to its client); null for the top-level one.</param>
    /// <param name="current">The session's tokens; its refresh token is sent.</param>
    /// <param name="resource">The API the token is for (RFC 8707 <c>resource</c>, or <c>audience</c>), or null.</param>
    /// <param name="scope">Space-separated scopes for a narrower token, or null.</param>
    /// <param name="cancellationToken">Ends the wait for the IdP.</param>
    public Task<IdpTokenResult> RefreshAsync(ClientAuthenticator? client, TokenSet current, string? resource, string? scope, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", current.RefreshToken!) };
        AddAudience(form, resource, scope);
        return RequestTokensAsync(form, current, IdpCallKind.Session, cancellationToken, client);
    }

    public Task<IdpTokenResult> ClientCredentialsAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        ClientCredentialsAsync(scopes, null, cancellationToken);

    public Task<IdpTokenResult> ClientCredentialsAsync(IReadOnlyList<string> scopes, string? resource, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        AddAudience(form, resource, scopes.Count > 0 ? string.Join(' ', scopes) : null);
        return RequestTokensAsync(form, null, IdpCallKind.Session, cancellationToken);
    }

    private void AddAudience(List<KeyValuePair<string, string>> form, string? resource, string? scope)
    {
        if (resource is not null)
        {
            form.Add(new(_options.Tokens.ResourceParameter, resource));
        }

        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }
    }

    /// <summary>RFC 7009. True when the IdP confirmed (or has no revocation endpoint to ask).</summary>
    public Task<bool> RevokeAsync(string token, string tokenTypeHint, CancellationToken cancellationToken) =>
        RevokeAsync(authenticator, token, tokenTypeHint, cancellationToken);

    /// <summary>A revocation as <paramref name="client"/>, the client the token was issued to.</summary>
    public async Task<bool> RevokeAsync(ClientAuthenticator client, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        try
        {
            var endpoints = await metadata.GetAsync(cancellationToken);
            if (endpoints.RevocationEndpoint is null)
            {
                return true;
            }

            using var request = CreateRequest(endpoints.RevocationEndpoint, endpoints,
                [new("token", token), new("token_type_hint", tokenTypeHint)], client);
            using var response = await SendAsync(request, IdpCallKind.Session, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (IdpFailure.IsUnavailable(ex) || ex is InvalidOperationException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            LogRevocationFailed(logger, ex.GetType().Name);
            return false;
        }
    }

    private async Task<IdpTokenResult> RequestTokensAsync(
        List<KeyValuePair<string, string>> form, TokenSet? current, IdpCallKind kind, CancellationToken cancellationToken, ClientAuthenticator? client = null)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "unavailable";
        try
        {
            var endpoints = await metadata.GetAsync(cancellationToken);
            using var request = CreateRequest(endpoints.TokenEndpoint, endpoints, form, client);
            using var response = await SendAsync(request, kind, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);

            if (response.IsSuccessStatusCode)
            {
                var tokens = TokenResponse.Parse(body, current, time.GetUtcNow());
                outcome = tokens is null ? "malformed" : "success";
                return tokens is null ? IdpTokenResult.Unavailable("malformed token response") : IdpTokenResult.Success(tokens);
            }

            var error = TokenResponse.ReadError(body);
            outcome = error ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (response.StatusCode == HttpStatusCode.BadRequest && error == "invalid_grant")
            {
                return IdpTokenResult.InvalidGrant;
            }

            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden && error is not null && RefusalErrors.Contains(error))
            {
                LogTokenEndpointError(logger, (int)response.StatusCode, error);
                return IdpTokenResult.Refused(error);
            }

            LogTokenEndpointError(logger, (int)response.StatusCode, error ?? "none");
            return IdpTokenResult.Unavailable(error ?? "status " + (int)response.StatusCode);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (IdpFailure.IsUnavailable(ex) || ex is InvalidOperationException or Polly.CircuitBreaker.BrokenCircuitException))
        {
            LogTokenEndpointUnreachable(logger, ex.GetType().Name);
            return IdpTokenResult.Unavailable(ex.GetType().Name);
        }
        finally
        {
            metrics.TokenEndpoint(Stopwatch.GetElapsedTime(started), outcome);
        }
    }

    private HttpRequestMessage CreateRequest(Uri endpoint, IdpEndpoints endpoints, List<KeyValuePair<string, string>> form, ClientAuthenticator? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        (client ?? authenticator).Apply(request, form, endpoints);
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    // The timeout, the circuit breaker and the bulkhead are the client's pipeline (IdpPipeline); the kind says
    // which of the bulkhead's bounds the call counts against.
    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, IdpCallKind kind, CancellationToken cancellationToken)
    {
        IdpCallLimiter.Mark(request, kind);

        // A client from the factory per call, not one kept by this singleton: the factory rotates its
        // handler, so a change of the IdP's addresses is picked up; the pipeline is shared.
        return clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
    }

    [LoggerMessage(EventId = BffEventIds.TokenEndpointError, Level = LogLevel.Warning, Message = "Token endpoint answered {Status} ({Error})")]
    private static partial void LogTokenEndpointError(ILogger logger, int status, string error);

    [LoggerMessage(EventId = BffEventIds.TokenEndpointUnreachable, Level = LogLevel.Warning, Message = "Token endpoint unreachable: {Reason}")]
    private static partial void LogTokenEndpointUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.TokenRevocationFailed, Level = LogLevel.Warning, Message = "Token revocation failed: {Reason}")]
    private static partial void LogRevocationFailed(ILogger logger, string reason);
}

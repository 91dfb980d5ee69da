using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Sessions;
using Bff.Telemetry;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Support;

/// <summary>A <see cref="SessionTerminator"/> with its parts, for tests without a container.</summary>
internal static class TestSessionTerminator
{
    /// <summary>
    /// Ends sessions in <paramref name="store"/>. A revocation it is asked for finds no IdP (there is no discovery to
    /// read) and goes to an in-memory queue that nothing works through.
    /// </summary>
    public static SessionTerminator Create(ISessionStore store, TimeProvider time)
    {
        var options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
        var metrics = new BffMetrics(new MeterFactory());
        var idp = new IdpTokenClient(new SingleClientFactory(), new IdpMetadata(new StaticOidcOptions(new OpenIdConnectOptions())),
            new ClientAuthenticator(options.Value, BffOptions.SectionName, time), options, metrics, time, NullLogger<IdpTokenClient>.Instance);
        var revoker = new RefreshTokenRevoker(idp, new InMemoryRevocationQueue(), time, metrics, NullLogger<RefreshTokenRevoker>.Instance);
        return new SessionTerminator(store, revoker, metrics, [], NullLogger<SessionTerminator>.Instance);
    }

    private sealed class MeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

using Bff.Configuration;
using Bff.Idp;
using Bff.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Support;

/// <summary>The gateway's IdP client against a <see cref="FakeOidcProvider"/>, with no discovery request.</summary>
internal static class TestIdpTokenClient
{
    public static IdpTokenClient Create(
        FakeOidcProvider idp, IOptions<BffOptions> options, BffMetrics metrics, TimeProvider time, string? revocationEndpoint = null) =>
        new(new SingleClientFactory(), new IdpMetadata(StaticOidcOptions.For(idp, revocationEndpoint)),
            new ClientAuthenticator(options.Value, BffOptions.SectionName, time), options, metrics, time, NullLogger<IdpTokenClient>.Instance);
}

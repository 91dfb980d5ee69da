using Bff.Idp;
using Bff.Telemetry;
using Bff.Tests.Support;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Lifecycle;

/// <summary><c>bff.sessions.ended</c> counts each way a session is ended on purpose, by reason.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SessionEndedMetricsTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task LogoutSessionsApiAndBackchannel_CountedByReason()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var recorded = new List<string>();
        using var listener = Listen(host, recorded);
        var (loggingOut, b1) = await host.SeedSessionAsync("alice");
        var (_, b2) = await host.SeedSessionAsync("bob");
        var (bobsOther, b3) = await host.SeedSessionAsync("bob");
        var (_, b4) = await host.SeedSessionAsync("carol", "idp-sid-carol");
        using var _1 = b1;
        using var _2 = b2;
        using var _3 = b3;
        using var _4 = b4;

        using (var logout = await b1.GetAsync("/bff/logout?sid=" + loggingOut.Id))
        {
            Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        }

        using (var delete = await b2.DeleteAsync("/bff/sessions/" + bobsOther.Id, await OidcGatewayHost.UnsafeHeadersAsync(b2)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var client = host.Factory.CreateClient();
        using (var backchannel = await client.PostAsync("/bff/backchannel-logout",
            new FormUrlEncodedContent([new("logout_token", _idp.LogoutToken("carol", "idp-sid-carol"))])))
        {
            Assert.Equal(HttpStatusCode.OK, backchannel.StatusCode);
        }

        // Ending what is already gone counts nothing.
        using (var again = await b2.DeleteAsync("/bff/sessions/" + bobsOther.Id, await OidcGatewayHost.UnsafeHeadersAsync(b2)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        lock (recorded)
        {
            Assert.Equal(["logout", "revoked", "backchannel"], recorded);
        }
    }

    private static MeterListener Listen(OidcGatewayHost host, List<string> recorded)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this host's meter: other tests create Bff.Gateway meters of their own.
                if (instrument.Meter.Name == BffMetrics.MeterName && instrument.Meter.Scope == factory && instrument.Name == "bff.sessions.ended")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    lock (recorded)
                    {
                        for (var i = 0; i < value; i++)
                        {
                            recorded.Add((string)tag.Value!);
                        }
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}

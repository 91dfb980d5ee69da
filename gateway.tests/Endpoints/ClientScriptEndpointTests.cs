using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Endpoints;

/// <summary><c>/bff-client.d.ts</c> is served like the script, and declares every public member the script has.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed partial class ClientScriptEndpointTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Declarations_ServedWithAnETag_Revalidated()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff-client.d.ts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Contains("silentLogin(", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var again = await browser.GetAsync("/bff-client.d.ts", [new("If-None-Match", response.Headers.ETag!.ToString())]);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task Declarations_NameEveryPublicMemberOfTheScript()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();
        using var script = await browser.GetAsync("/bff-client.js");
        using var declarations = await browser.GetAsync("/bff-client.d.ts");
        var typed = await declarations.Content.ReadAsStringAsync();

        var members = MemberPattern().Matches(await script.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).ToArray();

        Assert.Contains("silentLogin", members);
        Assert.All(members, member => Assert.Matches(@"\b" + member + @"[(:]", typed));
    }

    // The class body's members: two spaces in, not private (#) and not the constructor.
    [GeneratedRegex(@"^  (?:async |get )?([a-zA-Z]\w*)\(", RegexOptions.Multiline)]
    private static partial Regex MemberPattern();
}

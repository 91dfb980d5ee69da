using Bff.Idp;
using Bff.Sessions;
using System.Text.Json;

namespace Bff.Tests.Idp;

public class BearerTokenTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HeaderValue_IsSchemeSpaceToken_AndTheTokenComesBack()
    {
        var bearer = new BearerToken("eyJ.a.b");

        Assert.Equal("Bearer eyJ.a.b", bearer.HeaderValue);
        Assert.Equal("eyJ.a.b", bearer.AccessToken);
    }

    [Fact]
    public void ToString_DoesNotShowTheToken()
    {
        var bearer = new BearerToken("secret-token-value");

        Assert.DoesNotContain("secret-token-value", bearer.ToString());
        Assert.DoesNotContain("secret-token-value", $"{bearer}");
    }

    [Fact]
    public void TokenSet_AndResourceToken_PrintNoToken()
    {
        var tokens = new TokenSet("secret-at", "secret-rt", Expiry, [new ResourceToken("https://orders.example", null, "secret-orders", Expiry)]);

        Assert.DoesNotContain("secret", tokens.ToString());
        Assert.DoesNotContain("secret", tokens.Resources![0].ToString());
    }

    [Fact]
    public void NullToken_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new BearerToken(null!));
    }

    [Fact]
    public void TokenSet_HoldsItsTokenOnlyAsTheHeaderValue()
    {
        var tokens = new TokenSet("at-1", "rt-1", Expiry);

        Assert.Equal("Bearer at-1", tokens.Bearer.HeaderValue);
        Assert.Equal("at-1", tokens.AccessToken);
    }

    [Fact]
    public void TokenSet_WithNewAccessToken_HasItsHeader()
    {
        var tokens = new TokenSet("at-1", "rt-1", Expiry) with { AccessToken = "at-2" };

        Assert.Equal("Bearer at-2", tokens.Bearer.HeaderValue);
        Assert.Equal("at-2", tokens.AccessToken);
    }

    [Fact]
    public void TokenSet_CopiedWithOtherChanges_KeepsTheSameHeaderString()
    {
        var tokens = new TokenSet(new string('t', 1000), "rt-1", Expiry);

        var rotated = tokens with { RefreshToken = "rt-2" };

        Assert.Same(tokens.Bearer.HeaderValue, rotated.Bearer.HeaderValue);
    }

    [Fact]
    public void TokenSets_OfTheSameTokens_AreEqual()
    {
        Assert.Equal(new TokenSet("at-1", "rt-1", Expiry), new TokenSet("at-1", "rt-1", Expiry));
        Assert.NotEqual(new TokenSet("at-1", "rt-1", Expiry), new TokenSet("at-2", "rt-1", Expiry));
    }

    [Fact]
    public void StoredForm_HasTheBareTokens_AndReadsBackWithTheirHeaders()
    {
        var tokens = new TokenSet("at-1", "rt-1", Expiry, [new ResourceToken("https://orders.example", null, "at-orders", Expiry)]);

        var json = JsonSerializer.Serialize(tokens, SessionJsonContext.Default.TokenSet);
        var read = JsonSerializer.Deserialize(json, SessionJsonContext.Default.TokenSet)!;

        using var document = JsonDocument.Parse(json);
        Assert.Equal("at-1", document.RootElement.GetProperty("accessToken").GetString());
        Assert.Equal("at-orders", document.RootElement.GetProperty("resources")[0].GetProperty("accessToken").GetString());
        Assert.DoesNotContain("Bearer", json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer at-1", read.Bearer.HeaderValue);
        Assert.Equal("Bearer at-orders", read.Resources![0].Bearer.HeaderValue);
        Assert.Equal(tokens.AccessToken, read.AccessToken);
    }
}

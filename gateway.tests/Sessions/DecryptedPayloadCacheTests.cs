using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

public class DecryptedPayloadCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    // The memo never looks at a session's deadlines: any session will do.
    private static BffSession Session(string id = "s1") => TestSessions.New() with { Id = id };

    private static byte[] Bytes(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    private bool TryGet(DecryptedPayloadCache memo, string id, byte[] metadata, byte[] tokens) =>
        memo.TryGet(id, metadata, tokens, _time.GetUtcNow(), 1, out _);

    private DecryptedPayloadCache Filled(out byte[] metadata, out byte[] tokens, BffSession? session = null)
    {
        var memo = new DecryptedPayloadCache(_time);
        metadata = Bytes(300, 1);
        tokens = Bytes(900, 2);
        memo.Set(session ?? Session(), metadata, tokens);
        return memo;
    }

    [Fact]
    public void TryGet_SameBytes_WhatWasDecrypted_WithThisReadsLastUseAndVersion()
    {
        var decrypted = Session();
        var memo = Filled(out var metadata, out var tokens, decrypted);
        var lastSeen = _time.GetUtcNow().AddSeconds(30);

        // Fresh arrays with the same content, as every Redis read returns.
        Assert.True(memo.TryGet("s1", metadata.ToArray(), tokens.ToArray(), lastSeen, 7, out var read));
        Assert.Same(decrypted.Claims, read.Claims);
        Assert.Same(decrypted.Tokens, read.Tokens);
        Assert.Equal(lastSeen, read.LastSeenAt);
        Assert.Equal(7, read.Version);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 299)]
    [InlineData(false, 0)]
    [InlineData(false, 899)]
    public void TryGet_OneByteChanged_Miss(bool inMetadata, int index)
    {
        var memo = Filled(out var metadata, out var tokens);
        var changed = (inMetadata ? metadata : tokens).ToArray();
        changed[index] ^= 0x80;

        Assert.False(inMetadata
            ? TryGet(memo, "s1", changed, tokens)
            : TryGet(memo, "s1", metadata, changed));
    }

    [Fact]
    public void TryGet_BytesMovedBetweenFields_Miss()
    {
        // Each field has its own fingerprint: the same bytes split differently are not the same payloads.
        var memo = new DecryptedPayloadCache(_time);
        memo.Set(Session(), Bytes(10, 7), Bytes(20, 7));

        Assert.False(TryGet(memo, "s1", Bytes(20, 7), Bytes(10, 7)));
    }

    [Fact]
    public void TryGet_AnotherSession_Miss()
    {
        var memo = Filled(out var metadata, out var tokens);

        Assert.False(TryGet(memo, "s2", metadata, tokens));
    }

    [Fact]
    public void TryGet_AnotherSessionsBytesUnderThisId_Miss()
    {
        // Redis write access can put s1's bytes on s2's key: what was decrypted for s1 must not serve s2.
        var memo = Filled(out var metadata, out var tokens);
        memo.Set(Session("s2"), Bytes(300, 3), Bytes(900, 4));

        Assert.False(TryGet(memo, "s2", metadata, tokens));
        Assert.True(TryGet(memo, "s1", metadata, tokens));
    }

    [Fact]
    public void TryGet_AtMaxAge_Miss()
    {
        var memo = Filled(out var metadata, out var tokens);

        _time.Advance(DecryptedPayloadCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.True(TryGet(memo, "s1", metadata, tokens));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(TryGet(memo, "s1", metadata, tokens));
    }

    [Fact]
    public void Set_SameBytesDecryptedAgainPastMaxAge_KeepsTheEarlierClaimsAndTokens_ServesAnotherMaxAge()
    {
        var first = Session();
        var memo = Filled(out var metadata, out var tokens, first);
        _time.Advance(DecryptedPayloadCache.MaxAge + TimeSpan.FromSeconds(30));

        var again = Session() with { Version = 9 };
        var kept = memo.Set(again, metadata, tokens);

        Assert.Same(first.Tokens, kept.Tokens);
        Assert.Same(first.Claims, kept.Claims);
        Assert.Equal(9, kept.Version);
        _time.Advance(DecryptedPayloadCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.True(TryGet(memo, "s1", metadata, tokens));
    }

    [Fact]
    public void Set_OtherBytes_TheNewSession()
    {
        var memo = Filled(out _, out _);

        var changed = Session();
        Assert.Same(changed, memo.Set(changed, Bytes(300, 1), Bytes(900, 3)));
    }

    [Fact]
    public void Remove_Forgets()
    {
        var memo = Filled(out var metadata, out var tokens);

        memo.Remove("s1");

        Assert.False(TryGet(memo, "s1", metadata, tokens));
    }

    [Fact]
    public void Sweep_PastMaxAge_DropsSessionsNotInUse_KeepsThoseInUseAnotherMaxAge_AndYoungerOnes()
    {
        var memo = new DecryptedPayloadCache(_time);
        memo.Set(Session("used"), Bytes(1, 1), Bytes(1, 2));
        memo.Set(Session("idle"), Bytes(1, 1), Bytes(1, 2));
        var sweepInterval = DecryptedPayloadCache.SweepInterval;

        _time.Advance(DecryptedPayloadCache.MaxAge + sweepInterval);
        memo.Sweep(id => id == "used");
        Assert.Equal(1, memo.Count);

        memo.Set(Session("young"), Bytes(1, 1), Bytes(1, 2));
        _time.Advance(DecryptedPayloadCache.MaxAge - sweepInterval - TimeSpan.FromMilliseconds(1));
        memo.Sweep(id => id == "used");
        Assert.Equal(2, memo.Count);

        _time.Advance(sweepInterval);
        memo.Sweep(_ => false);
        Assert.Equal(1, memo.Count);
        Assert.True(TryGet(memo, "young", Bytes(1, 1), Bytes(1, 2)));
    }

    [Fact]
    public void Set_Full_AddsNoNewSession_ButRefreshesAKnownOne()
    {
        var memo = new DecryptedPayloadCache(_time);
        for (var i = 0; i < DecryptedPayloadCache.MaxEntries; i++)
        {
            memo.Set(Session("s" + i), Bytes(1, 1), Bytes(1, 2));
        }

        memo.Set(Session("new"), Bytes(1, 1), Bytes(1, 2));
        memo.Set(Session("s0"), Bytes(1, 3), Bytes(1, 4));

        Assert.Equal(DecryptedPayloadCache.MaxEntries, memo.Count);
        Assert.False(TryGet(memo, "new", Bytes(1, 1), Bytes(1, 2)));
        Assert.True(TryGet(memo, "s0", Bytes(1, 3), Bytes(1, 4)));
    }

    [Fact]
    public void SessionCache_SmallerBound_BoundsTheMemoToo()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new BffOptions());
        options.Value.Session.CacheMaxEntries = 2;
        var cache = new SessionCache(options, _time);

        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            cache.Payloads.Set(Session(id), Bytes(1, 1), Bytes(1, 2));
        }

        Assert.Equal(2, cache.Payloads.Count);
        Assert.False(TryGet(cache.Payloads, "s3", Bytes(1, 1), Bytes(1, 2)));
    }

    [Fact]
    public void SessionCache_InvalidateAndSweep_ReachTheMemo()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new BffOptions());
        var cache = new SessionCache(options, _time);
        cache.Payloads.Set(Session("s1"), Bytes(1, 1), Bytes(1, 2));
        cache.Payloads.Set(Session("s2"), Bytes(1, 1), Bytes(1, 2));

        cache.Invalidate("s1");
        Assert.Equal(1, cache.Payloads.Count);

        _time.Advance(2 * DecryptedPayloadCache.MaxAge);
        cache.Sweep();
        Assert.Equal(0, cache.Payloads.Count);
    }
}

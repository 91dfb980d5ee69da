using Bff.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

public class SessionPayloadMemoTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SessionMetadata _metadata;
    private readonly SessionTokens _tokens;

    public SessionPayloadMemoTests()
    {
        var now = _time.GetUtcNow();
        _metadata = new SessionMetadata("alice", "idp-1", [new SessionClaim("sub", "alice")], now, now.AddHours(1), null, null);
        _tokens = new SessionTokens("at", "rt", null, now.AddMinutes(5));
    }

    private static byte[] Bytes(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    private SessionPayloadMemo Filled(out byte[] metadata, out byte[] tokens)
    {
        var memo = new SessionPayloadMemo(_time);
        metadata = Bytes(300, 1);
        tokens = Bytes(900, 2);
        memo.Set("s1", metadata, tokens, _metadata, _tokens);
        return memo;
    }

    [Fact]
    public void TryGet_SameBytes_ReturnsWhatWasDecrypted()
    {
        var memo = Filled(out var metadata, out var tokens);

        // Fresh arrays with the same content, as every Redis read returns.
        Assert.True(memo.TryGet("s1", metadata.ToArray(), tokens.ToArray(), out var readMetadata, out var readTokens));
        Assert.Same(_metadata, readMetadata);
        Assert.Same(_tokens, readTokens);
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
            ? memo.TryGet("s1", changed, tokens, out _, out _)
            : memo.TryGet("s1", metadata, changed, out _, out _));
    }

    [Fact]
    public void TryGet_BytesMovedBetweenFields_Miss()
    {
        // Each field has its own fingerprint: the same bytes split differently are not the same payloads.
        var memo = new SessionPayloadMemo(_time);
        memo.Set("s1", Bytes(10, 7), Bytes(20, 7), _metadata, _tokens);

        Assert.False(memo.TryGet("s1", Bytes(20, 7), Bytes(10, 7), out _, out _));
    }

    [Fact]
    public void TryGet_AnotherSession_Miss()
    {
        var memo = Filled(out var metadata, out var tokens);

        Assert.False(memo.TryGet("s2", metadata, tokens, out _, out _));
    }

    [Fact]
    public void TryGet_AtMaxAge_MissAndForgotten()
    {
        var memo = Filled(out var metadata, out var tokens);

        _time.Advance(SessionPayloadMemo.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.True(memo.TryGet("s1", metadata, tokens, out _, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(memo.TryGet("s1", metadata, tokens, out _, out _));
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public void Remove_Forgets()
    {
        var memo = Filled(out var metadata, out var tokens);

        memo.Remove("s1");

        Assert.False(memo.TryGet("s1", metadata, tokens, out _, out _));
    }

    [Fact]
    public void Sweep_DropsEntriesPastMaxAge_KeepsYoungerOnes()
    {
        var memo = Filled(out _, out _);
        _time.Advance(SessionPayloadMemo.MaxAge / 2);
        memo.Set("s2", Bytes(1, 1), Bytes(1, 2), _metadata, _tokens);

        _time.Advance(SessionPayloadMemo.MaxAge / 2);
        memo.Sweep();

        Assert.Equal(1, memo.Count);
        Assert.True(memo.TryGet("s2", Bytes(1, 1), Bytes(1, 2), out _, out _));
    }

    [Fact]
    public void Set_Full_AddsNoNewSession_ButRefreshesAKnownOne()
    {
        var memo = new SessionPayloadMemo(_time);
        for (var i = 0; i < SessionPayloadMemo.MaxEntries; i++)
        {
            memo.Set("s" + i, Bytes(1, 1), Bytes(1, 2), _metadata, _tokens);
        }

        memo.Set("new", Bytes(1, 1), Bytes(1, 2), _metadata, _tokens);
        memo.Set("s0", Bytes(1, 3), Bytes(1, 4), _metadata, _tokens);

        Assert.Equal(SessionPayloadMemo.MaxEntries, memo.Count);
        Assert.False(memo.TryGet("new", Bytes(1, 1), Bytes(1, 2), out _, out _));
        Assert.True(memo.TryGet("s0", Bytes(1, 3), Bytes(1, 4), out _, out _));
    }

    [Fact]
    public void SessionCache_InvalidateAndSweep_ReachTheMemo()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new BffOptions());
        var cache = new SessionCache(options, _time);
        cache.Payloads.Set("s1", Bytes(1, 1), Bytes(1, 2), _metadata, _tokens);
        cache.Payloads.Set("s2", Bytes(1, 1), Bytes(1, 2), _metadata, _tokens);

        cache.Invalidate("s1");
        Assert.Equal(1, cache.Payloads.Count);

        _time.Advance(SessionPayloadMemo.MaxAge);
        cache.Sweep();
        Assert.Equal(0, cache.Payloads.Count);
    }
}

using Bff.Security;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Security;

public sealed class AddressBurstsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void OverTheThreshold_SignalsOnce_PerAddressAndMinute()
    {
        var bursts = new AddressBursts(3, _time);

        var signals = Enumerable.Range(0, 10).Select(_ => bursts.Count("203.0.113.7", out _)).ToArray();

        Assert.Equal([false, false, false, true, false, false, false, false, false, false], signals);
        Assert.False(bursts.Count("203.0.113.8", out var other));
        Assert.Equal(1, other);
    }

    [Fact]
    public void AtTheThreshold_NoSignal()
    {
        var bursts = new AddressBursts(3, _time);

        Assert.All(Enumerable.Range(0, 3), _ => Assert.False(bursts.Count("203.0.113.7", out _)));
    }

    [Fact]
    public void NextMinute_CountsAgainFromZero()
    {
        var bursts = new AddressBursts(2, _time);
        for (var i = 0; i < 2; i++)
        {
            bursts.Count("203.0.113.7", out _);
        }

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(bursts.Count("203.0.113.7", out var count));
        Assert.Equal(1, count);
        Assert.False(bursts.Count("203.0.113.7", out _));
        Assert.True(bursts.Count("203.0.113.7", out _));
    }

    [Fact]
    public void BeyondTheBoundOnAddresses_NewOnesAreNotCounted()
    {
        var bursts = new AddressBursts(1, _time);
        for (var i = 0; i < AddressBursts.MaxAddresses; i++)
        {
            bursts.Count("a" + i, out _);
        }

        Assert.False(bursts.Count("new", out var count));
        Assert.Equal(0, count);
        Assert.True(bursts.Count("a0", out _));
    }
}

using Bff.RateLimiting;

namespace Bff.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private static readonly RateLimitPolicy Policy = new(RateLimitKind.Session, permitsPerSecond: 2, burst: 3, leaseSize: 1);

    [Fact]
    public void FullAtFirst_ThenOneEveryHalfSecond()
    {
        var bucket = new TokenBucket(Policy, 0);

        Assert.True(bucket.TryTake(0, out _));
        Assert.True(bucket.TryTake(0, out _));
        Assert.True(bucket.TryTake(0, out _));
        Assert.False(bucket.TryTake(0, out var retry));
        Assert.Equal(500, retry);
        Assert.False(bucket.TryTake(499, out retry));
        Assert.Equal(1, retry);
        Assert.True(bucket.TryTake(500, out _));
        Assert.False(bucket.TryTake(500, out _));
    }

    [Fact]
    public void IdleTime_FillsNoFurtherThanTheBurst()
    {
        var bucket = new TokenBucket(Policy, 0);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(bucket.TryTake(0, out _));
        }

        var taken = 0;
        while (bucket.TryTake(3_600_000, out _))
        {
            taken++;
        }

        Assert.Equal(3, taken);
    }

    [Fact]
    public void ClockSteppedBack_RefillsNothing_AndTakesNothingAway()
    {
        var bucket = new TokenBucket(Policy, 10_000);
        Assert.True(bucket.TryTake(10_000, out _));

        Assert.True(bucket.TryTake(5_000, out _));
        Assert.True(bucket.TryTake(5_000, out _));
        Assert.False(bucket.TryTake(5_000, out _));
        Assert.True(bucket.TryTake(10_500, out _));
    }
}

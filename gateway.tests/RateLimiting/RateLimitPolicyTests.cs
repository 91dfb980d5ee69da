using Bff.RateLimiting;

namespace Bff.Tests.RateLimiting;

public sealed class RateLimitPolicyTests
{
    [Theory]
    [InlineData(100, 40, 10)]
    [InlineData(1000, 100, 25)]
    [InlineData(5, 10, 1)]
    [InlineData(1_000_000, 1_000_000, 100_000)]
    [InlineData(0.001, 1, 1)]
    public void SessionLeaseSize_AQuarterOfTheBurst_AtMostATenthOfASecond_AtLeastOne(double rate, int burst, int expected) =>
        Assert.Equal(expected, RateLimitPolicy.SessionLeaseSize(rate, burst));

    [Fact]
    public void FullRefill_TheBurstAtTheRate()
    {
        var policy = new RateLimitPolicy(RateLimitKind.Address, permitsPerSecond: 10 / 60.0, burst: 10, leaseSize: 1);

        Assert.Equal(60_000, policy.FullRefillMilliseconds);
        Assert.Equal(1, policy.LeaseSize);
    }
}

using Bff.Http;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Http;

public sealed class HeaderPairsTests
{
    private static HeaderDictionary Headers() => new()
    {
        ["Host"] = "gateway.example",
        ["Cookie"] = "__Host-bff=secret",
        ["X-Custom"] = new(["a", "b"]),
    };

    [Fact]
    public void Pairs_AreTheHeadersNamesAndValues()
    {
        var headers = Headers();

        using var pairs = HeaderPairs.Of(headers);

        Assert.Equal(headers.OrderBy(h => h.Key), pairs.Pairs.ToArray().OrderBy(h => h.Key));
    }

    [Fact]
    public void NoHeaders_NoPairs()
    {
        using var pairs = HeaderPairs.Of(new HeaderDictionary());

        Assert.True(pairs.Pairs.IsEmpty);
    }

    [Fact]
    public void Reading_AllocatesNothing()
    {
        IHeaderDictionary headers = Headers();
        // The pool's first rent on this thread may allocate.
        using (HeaderPairs.Of(headers))
        {
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var names = 0;
        for (var i = 0; i < 10; i++)
        {
            using var pairs = HeaderPairs.Of(headers);
            foreach (var (name, _) in pairs.Pairs)
            {
                names += name.Length;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(names > 0);
    }
}

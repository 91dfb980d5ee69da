using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Bff.Http;

/// <summary>
/// The name-value pairs of a request's or response's headers, copied into a pooled array. A <c>foreach</c> over an
/// <see cref="IHeaderDictionary"/> boxes Kestrel's header enumerator (one object per loop, on every request), and
/// <c>Keys</c> builds a set of the names; <c>CopyTo</c> allocates nothing. The copy is cleared when it goes back to the
/// pool, so no header value (a cookie, a token) lingers there.
/// </summary>
internal readonly struct HeaderPairs : IDisposable
{
    private readonly KeyValuePair<string, StringValues>[] _array;
    private readonly int _count;

    private HeaderPairs(KeyValuePair<string, StringValues>[] array, int count)
    {
        _array = array;
        _count = count;
    }

    public ReadOnlySpan<KeyValuePair<string, StringValues>> Pairs => _array.AsSpan(0, _count);

    public static HeaderPairs Of(IHeaderDictionary headers)
    {
        var count = headers.Count;
        var array = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(Math.Max(count, 1));
        headers.CopyTo(array, 0);
        return new HeaderPairs(array, count);
    }

    public void Dispose() => ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(_array, clearArray: true);
}

using System.Net;

namespace Bff.Tests.Support;

/// <summary>Where a navigation (a request and the redirects and form posts after it) ended.</summary>
public class NavigationResult : IDisposable
{
    internal NavigationResult(HttpResponseMessage response, string body, IReadOnlyList<Uri> chain)
    {
        Response = response;
        Body = body;
        Chain = chain;
    }

    /// <summary>The last response, its content buffered.</summary>
    public HttpResponseMessage Response { get; }

    public HttpStatusCode StatusCode => Response.StatusCode;

    /// <summary>The last response's body.</summary>
    public string Body { get; }

    /// <summary>Every URL requested, first to last, including form posts.</summary>
    public IReadOnlyList<Uri> Chain { get; }

    /// <summary>The URL of the last request.</summary>
    public Uri FinalUri => Chain[^1];

    public override string ToString() => $"{(int)StatusCode} at {FinalUri} after {string.Join(" -> ", Chain)}";

    public void Dispose()
    {
        Response.Dispose();
        GC.SuppressFinalize(this);
    }
}

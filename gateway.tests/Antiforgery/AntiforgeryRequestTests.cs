using Bff.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Antiforgery;

public sealed class AntiforgeryRequestTests
{
    [Fact]
    public void Current_OutsideAScope_IsNull()
    {
        Assert.Null(AntiforgeryRequest.Current);
    }

    [Fact]
    public void Enter_NestedScopes_EachRestoresTheOneBefore()
    {
        var outer = new DefaultHttpContext();
        var inner = new DefaultHttpContext();

        using (AntiforgeryRequest.Enter(outer))
        {
            using (AntiforgeryRequest.Enter(inner))
            {
                Assert.Same(inner, AntiforgeryRequest.Current);
            }

            Assert.Same(outer, AntiforgeryRequest.Current);
        }

        Assert.Null(AntiforgeryRequest.Current);
    }

    [Fact]
    public async Task Enter_FlowsAcrossAwaits_NotIntoAnotherFlow()
    {
        var request = new DefaultHttpContext();
        Task<HttpContext?> otherRequest;

        using (AntiforgeryRequest.Enter(request))
        {
            await Task.Yield();
            Assert.Same(request, AntiforgeryRequest.Current);
            using (ExecutionContext.SuppressFlow())
            {
                otherRequest = Task.Run(() => AntiforgeryRequest.Current, CancellationToken.None);
            }
        }

        Assert.Null(await otherRequest);
    }
}

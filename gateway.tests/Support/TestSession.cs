using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Support;

/// <summary>
/// A session stored in a host (see <see cref="TestSessions.SeedAsync"/>) and the <c>Cookie</c> header that opens it,
/// <c>name=value</c>; a test may put other cookies beside it with <c>with</c>.
/// </summary>
internal sealed record TestSession(string Cookie, BffSession Session)
{
    public Task EndAsync(IServiceProvider services) =>
        services.GetRequiredService<ISessionStore>().DeleteAsync(Session.Id, default);
}

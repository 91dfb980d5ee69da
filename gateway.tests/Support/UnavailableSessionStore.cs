using Bff.Redis;
using Bff.Sessions;
using System.Reflection;

namespace Bff.Tests.Support;

/// <summary>
/// A session store whose every call fails as an unreachable Redis does. A proxy rather than a class, so
/// it keeps up with the interface as that grows.
/// </summary>
public class UnavailableSessionStore : DispatchProxy
{
    internal static ISessionStore Create() => Create<ISessionStore, UnavailableSessionStore>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new SessionStoreUnavailableException($"Session store {targetMethod?.Name} failed.");
}

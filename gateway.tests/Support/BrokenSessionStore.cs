using Bff.Sessions;
using System.Reflection;

namespace Bff.Tests.Support;

/// <summary>
/// A session store with a bug: every call throws an exception the gateway does not expect, whose message
/// names internals that must not reach the browser.
/// </summary>
public class BrokenSessionStore : DispatchProxy
{
    /// <summary>Part of the exception's message: it must not appear in any response.</summary>
    public const string Secret = "redis://secret@10.0.0.1";

    internal static ISessionStore Create() => Create<ISessionStore, BrokenSessionStore>();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        throw new InvalidOperationException("Internal detail: the store's connection string is " + Secret);
}

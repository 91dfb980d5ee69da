using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// A gateway needs exactly one session store. Outside Development an in-memory one is a misconfiguration unless
/// asked for: one instance of several would refuse every other instance's sessions, and a restart logs everybody out.
/// </summary>
internal sealed class BffStoreValidator(IEnumerable<SessionStoreKind> storeKinds, IHostEnvironment environment) : IValidateOptions<BffOptions>
{
    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var kinds = storeKinds.ToArray();
        if (kinds.Length != 1)
        {
            return ValidateOptionsResult.Fail(kinds.Length == 0
                ? "No session store: call AddRedisSessions(), AddInMemorySessions() or AddSessionStore() on the builder AddBff() returns."
                : "More than one session store was added: call only one of AddRedisSessions(), AddInMemorySessions() and AddSessionStore().");
        }

        return kinds[0] == SessionStoreKind.InMemory && !environment.IsDevelopment() && !options.Session.AllowInMemoryStore
            ? ValidateOptionsResult.Fail("ConnectionStrings:Redis is empty. Set it, or set Bff:Session:AllowInMemoryStore=true to run a single instance with in-memory sessions.")
            : ValidateOptionsResult.Success;
    }
}

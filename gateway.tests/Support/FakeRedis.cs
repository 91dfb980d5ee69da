using System.Reflection;
using StackExchange.Redis;

namespace Bff.Tests.Support;

/// <summary>
/// A Redis connection without a Redis, for what a gateway does with Redis's answers and failures: each command of its
/// database is answered by a function of the command's name (<c>StringSetAsync</c>, ...) that gives the result or
/// throws, by default as an unreachable Redis does. A proxy rather than a class, so it keeps up with the interfaces.
/// </summary>
public class FakeRedis : DispatchProxy
{
    private Func<string, object?> _answer = null!;
    private IDatabase? _database;

    /// <summary>Every command fails with a <see cref="RedisConnectionException"/>.</summary>
    internal static IConnectionMultiplexer Unreachable() => Answering(command => throw ConnectionFailure(command));

    internal static IConnectionMultiplexer Answering(Func<string, object?> answer)
    {
        var database = Create<IDatabase, FakeRedis>();
        ((FakeRedis)(object)database)._answer = answer;
        var connection = Create<IConnectionMultiplexer, FakeRedis>();
        ((FakeRedis)(object)connection)._database = database;
        return connection;
    }

    internal static RedisConnectionException ConnectionFailure(string command) =>
        new(ConnectionFailureType.UnableToConnect, "No connection is available to service this operation: " + command);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        if (_database is not null)
        {
            return method.Name == nameof(IConnectionMultiplexer.GetDatabase)
                ? _database
                : throw new NotSupportedException("FakeRedis connection: " + method.Name);
        }

        // The database's commands: their answer, or their failure, as the task the caller awaits.
        var result = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : throw new NotSupportedException("FakeRedis database: " + method.Name);
        object? answer;
        try
        {
            answer = _answer(method.Name);
        }
        catch (Exception ex)
        {
            return FromException.MakeGenericMethod(result).Invoke(null, [ex]);
        }

        return FromResult.MakeGenericMethod(result).Invoke(null, [answer]);
    }

    private static readonly MethodInfo FromResult = typeof(Task).GetMethod(nameof(Task.FromResult))!;

    private static readonly MethodInfo FromException = typeof(Task).GetMethods()
        .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethodDefinition);
}

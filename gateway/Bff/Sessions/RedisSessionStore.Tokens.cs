using Bff.Idp;
using Bff.Redis;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>Writing a session's tokens after a refresh, and the grace entry a refresh leaves for its replaced refresh token.</summary>
internal sealed partial class RedisSessionStore
{
    public Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken) =>
        WriteTokensAsync(id, expectedVersion, tokens, replacedRefreshToken, null, null, cancellationToken);

    // The writer knows the whole session it wrote: it stays cached here (see SessionCache.BeginWrite), so the
    // session's next request on this instance neither reads it back nor decrypts it.
    public Task<TokenWriteResult> TryUpdateTokensAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken) =>
        WriteTokensAsync(read.Id, read.Version, tokens, replacedRefreshToken, read, null, cancellationToken);

    // The refresh lock lives beside the session, in its slot (Tokens.RedisRefreshLock): one script writes and releases.
    public async Task<TokenWriteResult> TryUpdateTokensAndReleaseAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, string lockOwner,
        CancellationToken cancellationToken) =>
        await WriteTokensAsync(read.Id, read.Version, tokens, replacedRefreshToken, read, lockOwner, cancellationToken) with { LockReleased = true };

    private async Task<TokenWriteResult> WriteTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, BffSession? read,
        string? lockOwner, CancellationToken cancellationToken)
    {
        var graceHash = replacedRefreshToken is null ? "" : RedisKeys.Hash(replacedRefreshToken);
        RedisKey[] scriptKeys = [keys.Session(id), keys.RefreshGrace(id, graceHash), keys.RefreshLock(id)];
        RedisValue[] args =
        [
            graceHash,
            (long)GracePeriod.TotalMilliseconds,
            expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            protector.Protect(id, tokens),
            _invalidationChannelName,
            id,
            lockOwner ?? "",
        ];
        var write = read is null ? null : cache.BeginWrite(id);
        long result;
        try
        {
            result = (long)await calls.GuardAsync(calls.Database.ScriptEvaluateAsync(RedisScripts.SessionUpdateTokens, scriptKeys, args), "update", cancellationToken);
        }
        catch when (write is not null)
        {
            cache.AbandonWrite(id, write);
            throw;
        }

        if (write is null || result <= 0 || !cache.EndWrite(write, read! with { Tokens = tokens, Version = result }))
        {
            if (write is not null)
            {
                cache.AbandonWrite(id, write);
            }

            cache.Invalidate(id);
        }

        return result switch
        {
            -1 => TokenWriteResult.Missing,
            0 => TokenWriteResult.Conflict,
            _ => TokenWriteResult.Written(result),
        };
    }

    public async Task<TokenSet?> GetGraceTokensAsync(string id, string refreshToken, CancellationToken cancellationToken)
    {
        var value = await calls.GuardAsync(calls.Database.StringGetAsync(keys.RefreshGrace(id, RedisKeys.Hash(refreshToken))), "read", cancellationToken);
        return value.IsNull ? null : await protector.TryUnprotectGraceTokensAsync(id, (byte[])value!, cancellationToken);
    }
}

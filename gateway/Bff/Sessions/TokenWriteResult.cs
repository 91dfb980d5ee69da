namespace Bff.Sessions;

/// <summary>The outcome of a versioned token write.</summary>
internal readonly record struct TokenWriteResult(TokenWriteOutcome Outcome, long Version)
{
    public static TokenWriteResult Written(long version) => new(TokenWriteOutcome.Written, version);

    public static readonly TokenWriteResult Conflict = new(TokenWriteOutcome.VersionConflict, 0);

    public static readonly TokenWriteResult Missing = new(TokenWriteOutcome.SessionMissing, 0);

    /// <summary>
    /// The write released the refresh lock it was given (<see cref="ISessionStore.TryUpdateTokensAndReleaseAsync"/>),
    /// whatever its outcome: the holder has nothing left to release.
    /// </summary>
    public bool LockReleased { get; init; }
}

namespace Bff.Sessions;

internal enum TokenWriteOutcome
{
    Written,
    VersionConflict,
    SessionMissing,
}

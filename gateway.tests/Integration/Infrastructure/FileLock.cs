namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// A lock held across processes (other test runs, other work trees) for machine-wide set-up such
/// as apt-get and npm ci. On Linux, FileShare.None takes an flock, which the kernel releases when
/// the holder dies, so a killed test host never leaves it stuck.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(TestRun.LocksDirectory, name + ".lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"Could not take the lock {path} within {timeout}.", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}

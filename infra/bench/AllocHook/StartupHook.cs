using System.Globalization;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly. Every 100 ms it
/// writes one line to the file named by BENCH_ALLOC_FILE:
/// <c>total_allocated_bytes gen0_collections gen1_collections gen2_collections</c>.
/// The bench reads it while the process is idle before and after its rounds, so the period does not
/// matter; the hook's own allocations (one short string per tick) are noise next to a round's.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("BENCH_ALLOC_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var thread = new Thread(() => Publish(path)) { IsBackground = true, Name = "bench-alloc-hook" };
        thread.Start();
    }

    private static void Publish(string path)
    {
        var temporary = path + ".tmp";
        while (true)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{GC.GetTotalAllocatedBytes(precise: false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}\n");
            try
            {
                File.WriteAllText(temporary, line);
                File.Move(temporary, path, overwrite: true);
            }
            catch (IOException)
            {
                // The bench removed its temp dir while shutting down: nothing left to report to.
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            Thread.Sleep(100);
        }
    }
}

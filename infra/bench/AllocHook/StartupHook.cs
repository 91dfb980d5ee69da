using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly; nothing in the
/// product changes. Every 100 ms it writes one line to the file named by BENCH_ALLOC_FILE:
/// <c>total_allocated_bytes gen0_collections gen1_collections gen2_collections thread_pool_work_items lock_contentions
/// gc_pause_microseconds promoted_bytes promoted_samples</c>: the last two add up what the latest ephemeral
/// GC promoted each time a tick sees a new one (a sample: GCs between two ticks are not seen); then, for telling
/// slow rounds apart, <c>thread_pool_threads pending_work_items active_timers jit_compiled_methods jit_microseconds
/// server_gc gc_heap_bytes processor_count</c>.
/// The bench reads it while the process is idle before and after its rounds, so the period does not
/// matter; the hook's own allocations (one short string per tick) are noise next to a round's.
/// With BENCH_ALLOC_TYPES=1 it also listens to the runtime's GCAllocationTick events (one per ~100 KB
/// allocated, naming the type of the object that crossed the mark) and writes the sampled bytes per type
/// to BENCH_ALLOC_FILE.types; creating BENCH_ALLOC_FILE.reset clears those counts.
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

        var types = Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES") == "1" ? new AllocationTypes() : null;
        var thread = new Thread(() => Publish(path, types)) { IsBackground = true, Name = "bench-alloc-hook" };
        thread.Start();
    }

    private static void Publish(string path, AllocationTypes? types)
    {
        long lastIndex = 0, promoted = 0, samples = 0;
        while (true)
        {
            var ephemeral = GC.GetGCMemoryInfo(GCKind.Ephemeral);
            if (ephemeral.Index != lastIndex && lastIndex != 0)
            {
                promoted += ephemeral.PromotedBytes;
                samples++;
            }

            lastIndex = ephemeral.Index;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{GC.GetTotalAllocatedBytes(precise: false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {ThreadPool.CompletedWorkItemCount} {Monitor.LockContentionCount} {(long)GC.GetTotalPauseDuration().TotalMicroseconds} {promoted} {samples} " +
                $"{ThreadPool.ThreadCount} {ThreadPool.PendingWorkItemCount} {Timer.ActiveCount} {System.Runtime.JitInfo.GetCompiledMethodCount()} {(long)System.Runtime.JitInfo.GetCompilationTime().TotalMicroseconds} " +
                $"{(System.Runtime.GCSettings.IsServerGC ? 1 : 0)} {GC.GetGCMemoryInfo().HeapSizeBytes} {Environment.ProcessorCount}\n");
            try
            {
                Write(path, line);
                if (types is not null)
                {
                    if (File.Exists(path + ".reset"))
                    {
                        types.Clear();
                        File.Delete(path + ".reset");
                    }

                    Write(path + ".types", types.Report());
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The bench removed its temp dir while shutting down: nothing left to report to.
                return;
            }

            Thread.Sleep(100);
        }
    }

    private static void Write(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed class AllocationTypes : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

        public void Clear() => _bytes.Clear();

        public string Report()
        {
            var text = new StringBuilder();
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(40))
            {
                text.Append(CultureInfo.InvariantCulture, $"{bytes}\t{type}\n");
            }

            return text.ToString();
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal)
                || eventData.PayloadNames is null || eventData.Payload is null)
            {
                return;
            }

            long amount = 0;
            string type = "?";
            for (var i = 0; i < eventData.PayloadNames.Count; i++)
            {
                switch (eventData.PayloadNames[i])
                {
                    case "AllocationAmount64":
                        amount = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                        break;
                    case "AllocationAmount" when amount == 0:
                        amount = Convert.ToInt64(eventData.Payload[i], CultureInfo.InvariantCulture);
                        break;
                    case "TypeName":
                        type = eventData.Payload[i] as string ?? "?";
                        break;
                }
            }

            _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
        }
    }
}

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
/// With BENCH_JIT_METHODS=1 it listens to the runtime's MethodLoadVerbose events instead (every method the JIT
/// compiles, with its tier) and writes how often each name was compiled to BENCH_ALLOC_FILE.jit, reset the same
/// way: what a process that keeps compiling during the rounds is compiling.
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

        EventCounts? types = Environment.GetEnvironmentVariable("BENCH_JIT_METHODS") == "1" ? new JitMethods()
            : Environment.GetEnvironmentVariable("BENCH_ALLOC_TYPES") == "1" ? new AllocationTypes() : null;
        var suffix = types is JitMethods ? ".jit" : ".types";
        var thread = new Thread(() => Publish(path, types, suffix)) { IsBackground = true, Name = "bench-alloc-hook" };
        thread.Start();
    }

    private static void Publish(string path, EventCounts? types, string suffix)
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

                    Write(path + suffix, types.Report());
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

    /// <summary>Counts per name from one runtime event, reported as the 40 largest.</summary>
    private abstract class EventCounts : EventListener
    {
        private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

        protected abstract EventKeywords Keywords { get; }

        public void Clear() => _counts.Clear();

        public string Report()
        {
            var text = new StringBuilder();
            foreach (var (name, count) in _counts.ToArray().OrderByDescending(kv => kv.Value).Take(40))
            {
                text.Append(CultureInfo.InvariantCulture, $"{count}\t{name}\n");
            }

            return text.ToString();
        }

        protected void Add(string name, long amount) => _counts.AddOrUpdate(name, amount, (_, total) => total + amount);

        protected static object? Payload(EventWrittenEventArgs eventData, string name)
        {
            var index = eventData.PayloadNames?.IndexOf(name) ?? -1;
            return index >= 0 && eventData.Payload is { } payload ? payload[index] : null;
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, Keywords);
            }
        }
    }

    private sealed class AllocationTypes : EventCounts
    {
        protected override EventKeywords Keywords => (EventKeywords)0x1; // GC

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true)
            {
                return;
            }

            var amount = Convert.ToInt64(Payload(eventData, "AllocationAmount64") ?? Payload(eventData, "AllocationAmount") ?? 0L,
                CultureInfo.InvariantCulture);
            Add(Payload(eventData, "TypeName") as string ?? "?", amount);
        }
    }

    private sealed class JitMethods : EventCounts
    {
        protected override EventKeywords Keywords => (EventKeywords)0x10; // JIT

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) != true)
            {
                return;
            }

            // MethodFlags: bit 0 a dynamic method; bits 7-9 the optimization tier (1 minopts, 2 optimized,
            // 3 quick-jitted, 4 tier-1, 5 tier-1 OSR, 6 instrumented tier 0, 7 instrumented tier 1).
            var flags = Convert.ToInt64(Payload(eventData, "MethodFlags") ?? 0L, CultureInfo.InvariantCulture);
            var dynamic = (flags & 1) != 0 ? "dynamic " : "";
            Add($"{dynamic}tier{(flags >> 7) & 0x7} {Payload(eventData, "MethodNamespace")}::{Payload(eventData, "MethodName")}", 1);
        }
    }
}

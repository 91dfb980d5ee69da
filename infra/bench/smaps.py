#!/usr/bin/env python3
"""Summarises /proc/PID/smaps: resident kB by kind of mapping, then the largest mappings by file."""
import collections
import re
import sys

pid = sys.argv[1]
by_kind = collections.Counter()
by_file = collections.Counter()
kind = name = None
for line in open(f"/proc/{pid}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        perms = parts[1]
        name = parts[5] if len(parts) > 5 else ""
        if "doublemapper" in name:
            kind = "JIT code and stubs (doublemapper)"
        elif name.endswith((".so", ".dll")) or ".so." in name:
            kind = "code and data of loaded files"
        elif name.startswith("["):
            kind = "stack/heap/vdso " + name
        elif name:
            kind = "other files"
        else:
            kind = "anonymous (GC heap, native heaps, stacks)"
        name = name.rsplit("/", 1)[-1] or "[anon " + perms + "]"
    elif line.startswith("Rss:"):
        kb = int(line.split()[1])
        by_kind[kind] += kb
        by_file[name] += kb

print(f"total resident: {sum(by_kind.values()) / 1024:.1f} MB")
for k, kb in by_kind.most_common():
    if kb < 100:
        continue
    print(f"{kb / 1024:8.1f} MB  {k}")
print()
for n, kb in by_file.most_common(15):
    print(f"{kb / 1024:8.1f} MB  {n}")

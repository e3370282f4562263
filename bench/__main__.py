"""python -m bench (the Makefile's `make bench`): every benchmark in turn, numbers printed.

One run prints: time to first visible map and rerun vs a bare Streamlit page (bench_pages),
server CPU per Kart rerun vs a bare page's (bench_rerun), loader throughput vs DuckDB read_csv
(bench_loaders), bytes sent to the browser per page (bench_bytes), export times
(bench_exports), the ways to draw a chart each on a bare page (bench_chart_options), with the
machine first. `python -m bench rerun` (or any other name without
the bench_ prefix) runs that one alone. The load test is separate: python -m bench.load_test.
Record the output in docs/PERFORMANCE.md.

Each one runs on its own: a failing or missing benchmark is reported and the next one runs."""
import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

BENCHES = ["bench_loaders", "bench_pages", "bench_rerun", "bench_bytes", "bench_exports",
           "bench_chart_options"]


def machine() -> str:
    """nproc, RAM and CPU model (Linux /proc), Python and the load when the run started."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"Maskin: {os.cpu_count()} kjerner (nproc), {ram} RAM, {cpu}; {platform.system()} "
            f"{platform.release()}; Python {sys.version.split()[0]}; last ved start {load}")


if __name__ == "__main__":
    chosen = [f"bench_{a.removeprefix('bench_')}" for a in sys.argv[1:]]
    unknown = [c for c in chosen if c not in BENCHES]
    if unknown:
        sys.exit(f"ukjent: {', '.join(unknown)} (velg blant {', '.join(BENCHES)})")
    print(machine())
    print(time.strftime("Kjørt %Y-%m-%d %H:%M %Z"), flush=True)
    failed = 0
    for name in chosen or BENCHES:
        print(f"\n=== {name} ===", flush=True)
        env = dict(os.environ)          # a benchmark may set INNENFOR_DB to its own temporary store
        try:
            importlib.import_module(f"bench.{name}").main([])
        except ModuleNotFoundError as e:
            print(f"(hopper over: {e})")
        except Exception:  # noqa: BLE001 - report the benchmark that broke and run the others
            traceback.print_exc()
            failed += 1
        finally:
            os.environ.clear()
            os.environ.update(env)
    sys.exit(1 if failed else 0)

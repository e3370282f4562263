"""python -m bench (the Makefile's `make bench`): every benchmark in turn, numbers printed.

Each one runs on its own: a failing or missing benchmark is reported and the next one runs."""
import importlib
import sys
import traceback

BENCHES = ["bench_loaders", "bench_pages", "bench_exports"]

if __name__ == "__main__":
    failed = 0
    for name in BENCHES:
        print(f"\n=== {name} ===", flush=True)
        try:
            importlib.import_module(f"bench.{name}").main([])
        except ModuleNotFoundError as e:
            print(f"(hopper over: {e})")
        except Exception:
            traceback.print_exc()
            failed += 1
    sys.exit(1 if failed else 0)

"""Times `dbt build` on a generated sample and prints where the time and memory go.

    .venv/bin/python scripts/benchmark.py [--profile default] [--runs 3]

Each run builds into a fresh database (seeds and all) at the same path, with the same
vars, so dbt's parse cache (target/benchmark) is reused as it is between a user's builds;
the first run also pays a full parse, shown as "first run". Peak memory is the largest
resident size of the dbt process.
This is a measurement, not a test: it prints figures and never fails on them.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COUNTED_TABLES = ("images", "duplicate_clusters", "duplicate_cluster_members", "leaks",
                  "leaked_val_images", "multi_label_clusters", "near_duplicate_candidates",
                  "val_removals", "input_problems")


def ensure_sample(profile):
    sample = PROJECT / "sample_data" / profile
    if not (sample / "truth.json").exists():
        subprocess.run([sys.executable, str(PROJECT / "scripts" / "generate_sample_data.py"),
                        "--profile", profile, "--out", str(sample)], check=True)
    return sample


def build_once(sample, workdir):
    """One build into workdir/bench.duckdb (removed first); workdir/target keeps the parse cache."""
    for stale in workdir.glob("bench.duckdb*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    target_dir = workdir / "target"
    dbt_vars = {
        "vl_export_path": str(sample / "vl_export"),
        "manifest_path": str(sample / "manifest.parquet"),
        "decisions_path": str(sample / "decisions"),
        "deliverables_dir": str(workdir / "manifests"),
    }
    env = {**os.environ, "VL_CLEAN_DB": str(workdir / "bench.duckdb")}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "dbt"), "build", "--vars", json.dumps(dbt_vars),
         "--target-path", str(target_dir), "--log-path", str(workdir / "logs")],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if process.returncode != 0:
        print(output[-4000:])
        raise SystemExit(f"dbt build failed (exit {process.returncode})")
    results = json.loads((target_dir / "run_results.json").read_text())
    return wall, peak_kib, results


def report(profile, runs, walls, peak_kib, results, db_path):
    nodes = results["results"]
    executed = results["elapsed_time"]
    model_time = sum(n["execution_time"] for n in nodes if n["unique_id"].startswith("model."))
    test_time = sum(n["execution_time"] for n in nodes if n["unique_id"].startswith(("test.", "unit_test.")))
    print(f"profile {profile}: dbt build, {len(nodes)} nodes, {runs} run(s) on {os.cpu_count()} cores")
    later = walls[1:] or walls
    print(f"  wall time      first run {walls[0]:.2f} s; later runs min {min(later):.2f} s, "
          f"median {sorted(later)[len(later) // 2]:.2f} s")
    print(f"  peak memory    {peak_kib / 1024:.0f} MiB (largest dbt process)")
    print(f"  dbt start-up   {walls[-1] - executed:.2f} s (parse, connect, before the first node)")
    print(f"  nodes          {executed:.2f} s wall; {model_time:.2f} s in models, "
          f"{test_time:.2f} s in tests (summed over threads)")
    print("  slowest nodes:")
    for node in sorted(nodes, key=lambda n: -n["execution_time"])[:10]:
        print(f"    {node['execution_time']:6.2f} s  {node['unique_id']}")
    print("  rows:")
    with duckdb.connect(str(db_path), read_only=True) as connection:
        for table in COUNTED_TABLES:
            count = connection.execute(f"select count(*) from {table}").fetchone()[0]
            print(f"    {table:28s} {count:>12,}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sample = ensure_sample(args.profile)
    workdir = PROJECT / "target" / f"benchmark_{args.profile}"
    workdir.mkdir(parents=True, exist_ok=True)
    walls = []
    for _ in range(args.runs):
        wall, peak_kib, results = build_once(sample, workdir)
        walls.append(wall)
    report(args.profile, args.runs, walls, peak_kib, results, workdir / "bench.duckdb")


if __name__ == "__main__":
    main()

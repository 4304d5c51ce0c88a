"""Times `dbt build` on a generated sample and prints where the time and memory go.

    .venv/bin/python scripts/benchmark.py [--profile default] [--runs 3]
    .venv/bin/python scripts/benchmark.py --pairs 10000000 [--runs 1]

Each run builds into a fresh database (seeds and all) at the same path, with the same
vars and flags as scripts/setup.sh, so dbt's parse cache (target/benchmark_<profile>) is
reused as it is between a user's builds; the first run also pays a full parse, shown as
"first run". Peak memory is the largest resident size of the dbt process. The unit tests,
which production builds leave out, are timed once on their own. Then the same number of
seeds, models and data tests is built as a trivial project (one-row tables, not-null
tests): what dbt itself costs on this machine, whatever the SQL does.
With --pairs N it instead writes (deterministically, once) a fastdup work folder of N
similarity pairs (similarity.parquet with integer ids, atrain_features.dat.parquet) and
times only the clustering from pairs: the models from the input files to the exact and
near-duplicate clusters, plus the test that the connected components converged.
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


# cleaning_summary metric -> its name in truth.json (the scale profile says groups).
PLANTED_COUNTS = {
    "duplicate_images": ("duplicate_images",),
    "duplicate_clusters": ("duplicate_clusters", "duplicate_groups"),
    "leak_clusters": ("leak_clusters", "leak_groups"),
    "leaked_val_images": ("leaked_val_images",),
    "multi_label_clusters": ("multi_label_clusters", "multi_label_groups"),
}


def ensure_sample(profile):
    sample = PROJECT / "sample_data" / profile
    if not (sample / "truth.json").exists():
        subprocess.run([sys.executable, str(PROJECT / "scripts" / "generate_sample_data.py"),
                        "--profile", profile, "--out", str(sample)], check=True)
    return sample


def build_once(sample, workdir, command=("build", "--exclude-resource-type", "unit_test"),
               fresh=True):
    """One dbt command on workdir/bench.duckdb (removed first when fresh); workdir/target
    keeps the parse cache."""
    for stale in workdir.glob("bench.duckdb*") if fresh else ():
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
        [str(BIN / "dbt"), *command, "--vars", json.dumps(dbt_vars),
         "--target-path", str(target_dir), "--log-path", str(workdir / "logs")],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if process.returncode != 0:
        print(output[-4000:])
        raise SystemExit(f"dbt {command[0]} failed (exit {process.returncode})")
    results = json.loads((target_dir / "run_results.json").read_text())
    return wall, peak_kib, results


def floor_once(counts, workdir):
    """The same numbers of seeds, models and data tests as a trivial project, built once."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "models").mkdir(parents=True)
    (workdir / "seeds").mkdir()
    (workdir / "dbt_project.yml").write_text(
        "name: floor\nversion: '1.0'\nprofile: floor\n"
        "models:\n  floor:\n    +materialized: table\n")
    (workdir / "profiles.yml").write_text(
        f"floor:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {workdir / 'floor.duckdb'}\n      threads: 2\n")
    for index in range(counts["seed"]):
        (workdir / "seeds" / f"seed_{index}.csv").write_text("id\n1\n")
    schema = ["version: 2", "models:"]
    for index in range(counts["model"]):
        parent = f"select * from {{{{ ref('model_{index - 1}') }}}}" if index else "select 1 as id"
        (workdir / "models" / f"model_{index}.sql").write_text(parent)
        tests = counts["test"] // counts["model"] + (index < counts["test"] % counts["model"])
        schema += [f"  - name: model_{index}", "    columns:", "      - name: id",
                   "        data_tests:"]
        schema += [f"          - not_null:\n              name: not_null_{index}_{test}"
                   for test in range(tests)]
    (workdir / "models" / "_models.yml").write_text("\n".join(schema) + "\n")
    env = {**os.environ, "DBT_PROFILES_DIR": str(workdir)}
    command = [str(BIN / "dbt"), "build", "--project-dir", str(workdir), "-q"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # parse cache
    (workdir / "floor.duckdb").unlink()
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


PAIR_MODELS = ("stg_fastdup__pairs", "stg_fastdup__images", "int_pair_images_matched",
               "int_duplicate_memberships_unioned", "int_duplicate_clusters_merged",
               "int_near_duplicate_clusters_merged")


def ensure_pairs(n_pairs):
    """N pairs over N/2 images in clusters of 5: each image paired with the next one of its
    cluster and with one other member. Similarities are a pure function of the pair number:
    30% exact (1.0), the rest 0.9 to 0.9999 (some below var near_duplicate_threshold)."""
    folder = PROJECT / "target" / f"benchmark_pairs_{n_pairs}" / "fastdup"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    n_images = max(10, n_pairs // 2)
    started = time.perf_counter()
    with duckdb.connect() as connection:
        connection.execute(f"""
            copy (
                select i as "index",
                    '/data/imagenet1k/train/n' || lpad(cast(i // 1300 as varchar), 8, '0')
                        || '/n' || lpad(cast(i // 1300 as varchar), 8, '0') || '_'
                        || cast(i as varchar) || '.JPEG' as filename
                from range({n_images}) as t(i)
            ) to '{folder / "atrain_features.dat.parquet"}' (format parquet)
        """)
        connection.execute(f"""
            copy (
                with p as (
                    select k, k // 2 as i, k % 2 as second,
                        ((k * 2654435761) % 1000003) / 1000003.0 as u
                    from range({n_pairs}) as t(k)
                )
                select
                    i % {n_images} as "from",
                    case when second = 0 then (i // 5) * 5 + (i % 5 + 1) % 5
                         else (i // 5) * 5 + (i % 5 + 2 + (k % 2)) % 5 end % {n_images} as "to",
                    case when u < 0.3 then 1.0 else round(0.9 + u * 0.0999, 6) end as distance
                from p
                order by distance desc, "from", "to"
            ) to '{folder / "similarity.parquet"}' (format parquet)
        """)
    done.write_text("ok\n")
    print(f"wrote {n_pairs:,} pairs over {n_images:,} images in {time.perf_counter() - started:.1f} s: {folder}")
    return folder


def cluster_pairs_once(work_dir, workdir):
    """Seeds and the models up to the clusters, from the pairs only, into a fresh database."""
    for stale in workdir.glob("bench.duckdb*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    target_dir = workdir / "target"
    dbt_vars = {"vl_export_path": "", "manifest_path": "", "decisions_path": "",
                "fastdup_work_dir": str(work_dir), "deliverables_dir": str(workdir / "manifests")}
    env = {**os.environ, "VL_CLEAN_DB": str(workdir / "bench.duckdb")}
    selection = "+int_duplicate_clusters_merged +int_near_duplicate_clusters_merged assert_clusters_converged"
    started = time.perf_counter()
    process = subprocess.run(
        [str(BIN / "dbt"), "build", "--select", *selection.split(), "--indirect-selection", "empty",
         "--vars", json.dumps(dbt_vars),
         "--target-path", str(target_dir), "--log-path", str(workdir / "logs")],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if process.returncode != 0:
        print(process.stdout[-4000:])
        raise SystemExit(f"dbt build failed (exit {process.returncode})")
    return wall, peak_kib, json.loads((target_dir / "run_results.json").read_text())


def report_pairs(n_pairs, walls, peak_kib, results, db_path):
    nodes = {n["unique_id"].split(".")[-1]: n for n in results["results"]}
    clustering = sum(nodes[m]["execution_time"] for m in PAIR_MODELS if m in nodes)
    print(f"{n_pairs:,} similarity pairs: clustering from pairs, {len(walls)} run(s) on "
          f"{os.cpu_count()} cores")
    print(f"  wall time      min {min(walls):.2f} s, median {sorted(walls)[len(walls) // 2]:.2f} s "
          f"(dbt start-up, the seeds and the empty VL models included)")
    print(f"  clustering     {clustering:.2f} s in the pair models (reading the pairs to both cluster tables)")
    print(f"  peak memory    {peak_kib / 1024:.0f} MiB (largest dbt process)")
    for name in PAIR_MODELS + ("assert_clusters_converged",):
        if name in nodes:
            print(f"    {nodes[name]['execution_time']:6.2f} s  {name} ({nodes[name]['status']})")
    with duckdb.connect(str(db_path), read_only=True) as connection:
        for table, cluster in (("int_duplicate_clusters_merged", "cluster_id"),
                               ("int_near_duplicate_clusters_merged", "near_cluster_id")):
            images, clusters = connection.execute(
                f"select count(*), count(distinct {cluster}) from {table}").fetchone()
            print(f"  {table:36s} {images:>12,} images in {clusters:>10,} clusters")


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
        summary = dict(connection.execute(
            "select metric, figure_value from cleaning_summary where breakdown = 'all'").fetchall())
    planted = json.loads((PROJECT / "sample_data" / profile / "truth.json").read_text())["counts"]
    print("  found / planted (cleaning_summary against the generator's truth.json):")
    for metric, truth_keys in PLANTED_COUNTS.items():
        truth_value = next((planted[k] for k in truth_keys if k in planted), None)
        if truth_value is not None:
            mark = "" if summary.get(metric) == truth_value else "   <- differs"
            print(f"    {metric:28s} {summary.get(metric, 0):>12,} / {truth_value:,}{mark}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=0,
                        help="time only the clustering of N generated fastdup similarity pairs")
    args = parser.parse_args()
    if args.pairs:
        work_dir = ensure_pairs(args.pairs)
        workdir = work_dir.parent
        walls = []
        for _ in range(args.runs):
            wall, peak_kib, results = cluster_pairs_once(work_dir, workdir)
            walls.append(wall)
        report_pairs(args.pairs, walls, peak_kib, results, workdir / "bench.duckdb")
        return
    sample = ensure_sample(args.profile)
    workdir = PROJECT / "target" / f"benchmark_{args.profile}"
    workdir.mkdir(parents=True, exist_ok=True)
    walls = []
    for _ in range(args.runs):
        wall, peak_kib, results = build_once(sample, workdir)
        walls.append(wall)
    report(args.profile, args.runs, walls, peak_kib, results, workdir / "bench.duckdb")
    unit_wall, _, unit_results = build_once(
        sample, workdir, command=("test", "--select", "test_type:unit"), fresh=False)
    print(f"  unit tests     {len(unit_results['results'])} in {unit_wall:.2f} s wall "
          f"(dbt test --select test_type:unit, not part of the production build)")
    counts = {kind: sum(n["unique_id"].startswith(kind + ".") for n in results["results"])
              for kind in ("seed", "model", "test")}
    floor = floor_once(counts, workdir / "floor")
    print(f"  dbt floor      {floor:.2f} s wall for a trivial project with the same "
          f"{counts['seed']} seeds, {counts['model']} models and {counts['test']} data tests")


if __name__ == "__main__":
    main()

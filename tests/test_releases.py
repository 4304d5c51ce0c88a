"""Cleaning releases: two builds on one database, between them a reviewer's log changes.
The release log, the snapshots and release_changes (table and `_release_changes.csv`) must
show exactly what the test changed; the release archive holds the release's files.

Expected rows come from the decisions this test writes for images it picks from the
generator's planted truth (val images in no cluster, with no finding and no demo decision),
never from the code under test."""
import csv
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import PROJECT, run_dbt, sample_vars  # noqa: E402

HEADER = "image_id,cluster_id,reviewer,decided_at,tags,action,new_label,note\n"


def untouched_val_images(sample, truth, count):
    """Val images the sample plants nothing on: no cluster, no finding, no demo decision."""
    busy = {image for cluster in truth["clusters"] for image in cluster}
    busy |= set(truth["findings_by_image"]) | set(truth["val_removals"])
    for reviewer in ("alice", "bob"):
        busy |= {row["image_id"] for row in truth["decisions"][reviewer]}
    for cluster in truth["near_duplicate_clusters"] + truth["multi_label_clusters"]:
        busy |= set(cluster)
    with (sample / "manifest.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["split"] == "val" and r["image_id"] not in busy]
    rows.sort(key=lambda r: r["image_id"])
    return [(r["image_id"], int(r["label"])) for r in rows[:count]]


def decision(image_id, when, action, tags, new_label=""):
    return f"{image_id},,carol,2026-11-25T{when}Z,{tags},{action},{new_label},release test\n"


def invocation_id(run):
    return json.loads((run.workdir / "target" / "run_results.json").read_text())["metadata"]["invocation_id"]


def change_rows(run):
    return set(run.query("select item, change, image_id, current_new_class_index from release_changes"))


def test_two_builds_record_releases_and_what_changed(copy_of_sample, truth, tmp_path):
    (x, _), (y, _), (z, z_class), (v, v_class), (w, w_class) = untouched_val_images(
        copy_of_sample, truth, 5)
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    for name in ("alice.csv", "bob.csv"):
        shutil.copy(copy_of_sample / "decisions" / name, decisions / name)
    carol = decisions / "carol.csv"
    first_log = HEADER + "".join([
        decision(x, "10:00:00", "remove", "remove"),
        decision(z, "10:01:00", "relabel", "relabel", (z_class + 1) % 1000),
        decision(v, "10:02:00", "relabel", "relabel", (v_class + 1) % 1000),
    ])
    carol.write_text(first_log)
    first_hash = hashlib.sha256(carol.read_bytes()).hexdigest()
    db = tmp_path / "vl_clean.duckdb"
    out = tmp_path / "manifests"
    dbt_vars = sample_vars(copy_of_sample, decisions_path=str(decisions))

    first = run_dbt(tmp_path / "first", dbt_vars, deliverables_dir=out, db_path=db)
    assert first.ok, first.output[-4000:]
    first_removals = first.deliverable("final_removal_list.txt").read_text().split()
    first_relabels = json.loads(first.deliverable("relabel_map.json").read_text())
    assert x in first_removals and {z, v} <= set(first_relabels)

    # First release: nothing to compare with, everything is added, and it says so.
    assert change_rows(first) == (
        {("removal", "added", i, None) for i in first_removals}
        | {("relabel", "added", i, c) for i, c in first_relabels.items()})
    assert first.query("select distinct is_first_release, previous_release_id from release_changes") == [
        (True, None)]
    with first.deliverable("release_changes.csv").open(newline="") as handle:
        first_csv = list(csv.DictReader(handle))
    assert len(first_csv) == len(first_removals) + len(first_relabels)
    assert {r["compared_with"] for r in first_csv} == {"none (first release: everything is added)"}

    # Between the meetings carol revises: X kept, Y removed, Z to another class, V kept, W relabelled.
    carol.write_text(first_log + "".join([
        decision(x, "11:00:00", "keep", "keep"),
        decision(y, "11:01:00", "remove", "remove"),
        decision(z, "11:02:00", "relabel", "relabel", (z_class + 2) % 1000),
        decision(v, "11:03:00", "keep", "keep"),
        decision(w, "11:04:00", "relabel", "relabel", (w_class + 1) % 1000),
    ]))
    second_hash = hashlib.sha256(carol.read_bytes()).hexdigest()
    second = run_dbt(tmp_path / "second", dbt_vars, deliverables_dir=out, db_path=db)
    assert second.ok, second.output[-4000:]

    expected = {
        ("removal", "added", y, None),
        ("removal", "dropped", x, None),
        ("relabel", "changed", z, (z_class + 2) % 1000),
        ("relabel", "dropped", v, None),
        ("relabel", "added", w, (w_class + 1) % 1000),
    }
    assert change_rows(second) == expected
    [(previous_new,)] = second.query(
        "select previous_new_class_index from release_changes where image_id = ?", [z])
    assert previous_new == (z_class + 1) % 1000
    with second.deliverable("release_changes.csv").open(newline="") as handle:
        second_csv = list(csv.DictReader(handle))
    assert sorted((r["item"], r["change"], r["image_id"]) for r in second_csv) == sorted(
        (item, change, image) for item, change, image, _ in expected)
    assert {r["compared_with"] for r in second_csv} == {"the release before"}

    # The log: one row per build, in order, under dbt's invocation ids, with the inputs' hashes.
    releases = second.query(
        "select release_id, input_hashes, release_vars, final_removals, images_to_relabel "
        "from cleaning_releases order by released_at")
    assert [r[0] for r in releases] == [invocation_id(first), invocation_id(second)]
    assert f"decisions {carol} {first_hash}" in releases[0][1]
    assert f"decisions {carol} {second_hash}" in releases[1][1] and first_hash not in releases[1][1]
    assert json.loads(releases[1][2])["duplicate_threshold"] == truth["threshold"]
    second_removals = second.deliverable("final_removal_list.txt").read_text().split()
    second_relabels = json.loads(second.deliverable("relabel_map.json").read_text())
    assert sorted(second_removals) == sorted(set(first_removals) - {x} | {y})
    assert [r[3:] for r in releases] == [(len(first_removals), len(first_relabels)),
                                         (len(second_removals), len(second_relabels))]
    # The snapshots keep the first release's lists although its files were overwritten.
    snapshot = second.query(
        "select item, image_id, new_class_index from release_snapshots where release_id = ?",
        [invocation_id(first)])
    assert sorted(i for item, i, _ in snapshot if item == "removal") == sorted(first_removals)
    assert {i: c for item, i, c in snapshot if item == "relabel"} == first_relabels

    # The archive of the second release: release.json, its deliverables, the report, the docs.
    docs = tmp_path / "static_index.html"
    docs.write_text("<html><body>docs stand-in</body></html>\n")
    delivered = sorted(p.name for p in out.iterdir() if p.is_file())
    for script, extra in (("report.py", []), ("release_archive.py", ["--docs", str(docs)])):
        done = subprocess.run([sys.executable, str(PROJECT / "scripts" / script), "--db", str(db),
                               "--out-dir", str(out), *extra], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    report_html = (out / "imagenet1k_report.html").read_text()
    for item, change in {(item, change) for item, change, _, _ in expected}:
        assert f"<tr><td>{item}</td><td>{change}</td><td>1</td></tr>" in report_html
    archive = out / "imagenet1k_release.zip"
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.namelist() == (
            ["release.json"] + [f"deliverables/{name}" for name in delivered]
            + ["report/imagenet1k_report.html", "docs/static_index.html"])
        assert all(zipped.read(f"deliverables/{name}") == (out / name).read_bytes() for name in delivered)
        assert zipped.read("docs/static_index.html") == docs.read_bytes()
        release = json.loads(zipped.read("release.json"))
    assert release["release_id"] == invocation_id(second)
    assert release["input_hashes"] == releases[1][1]
    first_bytes = archive.read_bytes()
    subprocess.run([sys.executable, str(PROJECT / "scripts" / "release_archive.py"), "--db", str(db),
                    "--out-dir", str(out), "--docs", str(docs)], check=True, capture_output=True)
    assert archive.read_bytes() == first_bytes, "same files, same archive bytes"

    # A deliverable that is not the release's own is refused, and the archive stays as it was.
    with (out / "imagenet1k_final_removal_list.txt").open("a") as handle:
        handle.write("n00000000_1\n")
    refused = subprocess.run([sys.executable, str(PROJECT / "scripts" / "release_archive.py"),
                              "--db", str(db), "--out-dir", str(out), "--docs", str(docs)],
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2
    assert "imagenet1k_final_removal_list.txt" in refused.stderr and invocation_id(second) in refused.stderr
    assert archive.read_bytes() == first_bytes
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary file left behind"

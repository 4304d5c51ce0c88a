"""Tests for scripts/generate_sample_data.py (small profile only; fast).

The checks re-derive the planted truth from the written files with simple, independent code
(a union-find over the VL duplicate groups), so they test the generator, not just its output shape.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_sample_data.py"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY) if VENV_PY.exists() else sys.executable
ITEM_KEYS = {"media_id", "media_type", "file_name", "file_path", "file_size", "height", "width",
             "url", "cluster_id", "uniqueness_score", "metadata_items"}
INFO_KEYS = {"schema_version", "dataset", "description", "dataset_url", "export_time",
             "dataset_creation_time", "exported_by", "total_media_items"}
LEVELS = [0.96, 0.97, 0.98, 0.985, 0.99, 0.995, 0.999, 1.0]


def run_small(out: Path, seed: int | None = None) -> subprocess.CompletedProcess:
    cmd = [PYTHON, str(SCRIPT), "--profile", "small", "--out", str(out)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)


def file_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Sample:
    def __init__(self, root: Path):
        self.root = root
        self.truth = json.loads((root / "truth.json").read_text())
        with open(root / "manifest.csv", newline="") as f:
            self.manifest = list(csv.DictReader(f))
        self.by_path = {r["path"]: r for r in self.manifest}
        self.by_id = {r["image_id"]: r for r in self.manifest}
        self.files = sorted((root / "vl_export").rglob("*.json"))
        self.docs = {p: json.loads(p.read_text()) for p in self.files}
        with open(ROOT / "seeds" / "imagenet1k_classes.csv", newline="") as f:
            self.classes = list(csv.DictReader(f))

    def image_id(self, item) -> str:
        assert item["file_path"].startswith("imagenet1k/")
        return self.by_path[item["file_path"][len("imagenet1k/"):]]["image_id"]

    def items(self):
        for p, d in self.docs.items():
            for it in d["media_items"]:
                yield p, it


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("gen")
    a, b = base / "a", base / "b"
    proc = run_small(a)
    run_small(b)
    return a, b, proc.stdout


@pytest.fixture(scope="module")
def sample(runs):
    return Sample(runs[0])


def test_deterministic_byte_identical(runs):
    a, b, _ = runs
    ha, hb = file_hashes(a), file_hashes(b)
    assert ha.keys() == hb.keys()
    diff = [k for k in ha if ha[k] != hb[k]]
    assert not diff, f"files differ between two runs: {diff[:5]}"


def test_other_seed_differs_and_no_temp_left(runs, tmp_path):
    a, _, stdout = runs
    assert "manifest" in stdout and "vl_export" in stdout
    run_small(tmp_path / "c", seed=7)
    assert (tmp_path / "c" / "truth.json").read_bytes() != (a / "truth.json").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["c"], "temporary folder left behind"


def test_layout(sample):
    r = sample.root
    for name in ["manifest.parquet", "manifest.csv", "truth.json", "team_clusters.json",
                 "decisions/alice.csv", "decisions/bob.csv"]:
        assert (r / name).is_file(), name
    chunks = sorted((r / "vl_export").glob("metadata_part_*.json"))
    assert len(chunks) >= 3
    assert [c.name for c in chunks] == [f"metadata_part_{i:04d}.json" for i in range(len(chunks))]
    assert list((r / "vl_export" / "clusters").glob("cluster_*.json"))
    for p in (r / "vl_export" / "clusters").glob("cluster_*.json"):
        uuid.UUID(p.stem[len("cluster_"):])


def test_manifest(sample, runs):
    import duckdb

    rows = sample.manifest
    ids = [r["image_id"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    t = sample.truth["counts"]
    assert sum(r["split"] == "train" for r in rows) == t["train"]
    assert sum(r["split"] == "val" for r in rows) == t["val"]
    assert len(rows) == t["train"] + t["val"] == t["total"]
    assert 5000 <= t["train"] <= 7000 and 800 <= t["val"] <= 1200
    opaque = 0
    for r in rows:
        assert 0 <= int(r["label"]) < 1000
        wnid = sample.classes[int(r["label"])]["wnid"]
        if r["image_id"].startswith("img_"):
            opaque += 1
            assert re.fullmatch(r"img_[0-9a-f]{12}", r["image_id"])
            assert r["path"] == f"images/{r['image_id']}.JPEG"
        elif r["split"] == "train":
            assert re.fullmatch(wnid + r"_\d+", r["image_id"])
            assert r["path"] == f"train/{wnid}/{r['image_id']}.JPEG"
        else:
            assert re.fullmatch(r"ILSVRC2012_val_\d{8}", r["image_id"])
            assert r["path"] == f"val/{wnid}/{r['image_id']}.JPEG"
    assert 0.005 * len(rows) <= opaque <= 0.02 * len(rows)
    con = duckdb.connect()
    pq = con.execute(f"SELECT image_id, path, split, CAST(label AS VARCHAR) FROM read_parquet('{sample.root / 'manifest.parquet'}')").fetchall()
    assert pq == [(r["image_id"], r["path"], r["split"], r["label"]) for r in rows]
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{sample.root / 'manifest.parquet'}'))").fetchall())
    assert types == {"image_id": "VARCHAR", "path": "VARCHAR", "split": "VARCHAR", "label": "INTEGER"}


def test_export_shape(sample):
    media_ids = set()
    for p, d in sample.docs.items():
        assert set(d) == {"info", "media_items"}
        info = d["info"]
        assert set(info) == INFO_KEYS
        assert info["schema_version"] == "1.1" and info["dataset"] == "imagenet1k"
        assert info["total_media_items"] == len(d["media_items"])
        for it in d["media_items"]:
            assert set(it) == ITEM_KEYS, p
            assert it["media_type"] == "image"
            assert re.fullmatch(r"\d+\.\d{2}(KB|MB)", it["file_size"])
            assert it["url"].endswith("/data/image/" + it["media_id"])
            assert it["file_name"] == it["file_path"].rsplit("/", 1)[-1]
            assert 0.0 <= it["uniqueness_score"] <= 1.0
            assert isinstance(it["height"], int) and isinstance(it["width"], int)
            uuid.UUID(it["media_id"])
            uuid.UUID(it["cluster_id"])
            sample.image_id(it)  # the path is a manifest path
            media_ids.add(it["media_id"])
    assert len(media_ids) == sample.truth["counts"]["exported_images"]


def test_chunks_overlap_and_sizes(sample):
    chunks = [p for p in sample.files if p.name.startswith("metadata_part_")]
    size = sample.truth["files"]["chunk_size"]
    ov = sample.truth["files"]["chunk_overlap"]
    for prev, nxt in zip(chunks, chunks[1:]):
        a, b = sample.docs[prev]["media_items"], sample.docs[nxt]["media_items"]
        assert len(a) == size
        assert a[-ov:] == b[:ov]
    seen = {it["media_id"] for p in chunks for it in sample.docs[p]["media_items"]}
    assert len(seen) == sample.truth["counts"]["exported_images"]


def test_same_media_same_content_except_bridges(sample):
    by_media = defaultdict(set)
    for _, it in sample.items():
        by_media[it["media_id"]].add(json.dumps(it, sort_keys=True))
    bridges = set(sample.truth["bridging_images"])
    assert bridges
    varying = {mid for mid, v in by_media.items() if len(v) > 1}
    varying_ids = set()
    for mid in varying:
        variants = [json.loads(s) for s in by_media[mid]]
        iid = sample.image_id(variants[0])
        varying_ids.add(iid)

        def strip(it):
            it = dict(it)
            it["metadata_items"] = [m for m in it["metadata_items"]
                                    if not (m["type"] == "issue" and m["properties"]["issue_type"] == "duplicates")]
            return json.dumps(it, sort_keys=True)

        assert len({strip(v) for v in variants}) == 1, iid
    assert varying_ids == bridges


def test_duplicate_issues_well_formed(sample):
    members = defaultdict(set)  # (level, group) -> media ids
    per_item = []
    for _, it in sample.items():
        levels = {}
        for m in it["metadata_items"]:
            if m["type"] == "issue" and m["properties"]["issue_type"] == "duplicates":
                pr = m["properties"]
                lv = pr["duplicate_threshold"]
                assert lv in LEVELS
                assert lv not in levels, "two duplicate issues at one level"
                assert 0.8 <= pr["confidence"] <= 0.99 and pr["confidence"] not in LEVELS
                levels[lv] = pr["duplicate_group_id"]
                members[(lv, pr["duplicate_group_id"])].add(it["media_id"])
        assert len(set(levels.values())) == len(levels), "group id must differ per level"
        per_item.append(levels)
    for levels in per_item:  # groups nest: the higher-level group is inside the lower-level one
        lv = sorted(levels)
        assert lv == LEVELS[:len(lv)], "levels must be contiguous from 0.96"
        for lo, hi in zip(lv, lv[1:]):
            assert members[(hi, levels[hi])] <= members[(lo, levels[lo])]


def _exact_components(sample):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    media_to_id = {}
    for _, it in sample.items():
        media_to_id[it["media_id"]] = sample.image_id(it)
        for m in it["metadata_items"]:
            p = m.get("properties") or {}
            if m["type"] == "issue" and p.get("issue_type") == "duplicates" and p["duplicate_threshold"] == 1.0:
                a, b = find("m:" + it["media_id"]), find("g:" + p["duplicate_group_id"])
                if a != b:
                    parent[a] = b
    comps = defaultdict(set)
    for x in list(parent):
        if x.startswith("m:"):
            comps[find(x)].add(media_to_id[x[2:]])
    return sorted(sorted(c) for c in comps.values() if len(c) >= 2), comps


def test_clusters_recomputable_from_files(sample):
    clusters, comps = _exact_components(sample)
    assert clusters == sample.truth["clusters"]
    singles = sorted(next(iter(c)) for c in comps.values() if len(c) == 1)
    assert singles == sample.truth["singleton_groups"] and singles
    t = sample.truth["counts"]
    assert t["duplicate_clusters"] == len(clusters)
    assert t["duplicate_images"] == sum(len(c) for c in clusters)
    assert 200 <= t["duplicate_images"] <= 600
    # the transitive merges really need the merge: no single 1.0 group holds the whole cluster
    for tm in sample.truth["transitive_merges"]:
        merged = sorted(set(tm["chunk_group"]) | set(tm["cluster_file_group"]))
        assert merged in clusters
        assert tm["bridge"] in tm["chunk_group"] and tm["bridge"] in tm["cluster_file_group"]


def test_near_duplicates_recomputable_from_files(sample):
    exact = {m: i for i, c in enumerate(sample.truth["clusters"]) for m in c}
    groups = defaultdict(set)
    for _, it in sample.items():
        for m in it["metadata_items"]:
            p = m.get("properties") or {}
            if m["type"] == "issue" and p.get("issue_type") == "duplicates" and 0.96 <= p["duplicate_threshold"] < 1.0:
                groups[(p["duplicate_threshold"], p["duplicate_group_id"])].add(sample.image_id(it))
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for mem in groups.values():
        cl = {exact.get(m, m) for m in mem}
        if len(cl) == 1 and all(m in exact for m in mem):
            continue
        mem = sorted(mem)
        for m in mem:
            find(m)
        for m in mem[1:]:
            a, b = find(mem[0]), find(m)
            if a != b:
                parent[b] = a
    comps = defaultdict(list)
    for x in sorted(parent):
        comps[find(x)].append(x)
    near = sorted(sorted(c) for c in comps.values() if len(c) >= 2)
    assert near == sample.truth["near_duplicate_clusters"]
    splits = [{sample.by_id[m]["split"] for m in c} for c in near]
    assert {"train", "val"} in splits and {"train"} in splits
    assert any(set(c) & set(exact) for c in near), "near images attached to an exact cluster"
    removed = set(sample.truth["val_removals"])
    for c in near:
        if not set(c) & set(exact):
            assert not set(c) & removed


def test_truth_policy_consistent(sample):
    t = sample.truth
    c = t["counts"]
    split = {r["image_id"]: r["split"] for r in sample.manifest}
    label = {r["image_id"]: int(r["label"]) for r in sample.manifest}
    expected_removals = {}
    leaks = {}
    kinds = defaultdict(int)
    for cl in t["clusters"]:
        sp = {split[m] for m in cl}
        labs = {label[m] for m in cl}
        if sp == {"train", "val"}:
            kinds["leak"] += 1
            tr = [m for m in cl if split[m] == "train"]
            for m in cl:
                if split[m] == "val":
                    expected_removals[m] = "train_val_leak"
                    leaks[m] = {"cluster_members": cl, "train_ids": tr, "train_labels": [label[x] for x in tr],
                                "labels_agree": all(label[x] == label[m] for x in tr)}
        elif sp == {"val"}:
            kinds["vv"] += 1
            if len(labs) == 1:
                for m in sorted(cl)[1:]:
                    expected_removals[m] = "val_duplicate"
        else:
            kinds["tt"] += 1
    assert t["val_removals"] == expected_removals
    assert t["leaked_val_images"] == leaks
    assert all(split[m] == "val" for m in t["val_removals"])
    assert c["leak_clusters"] == kinds["leak"] and c["val_val_clusters"] == kinds["vv"]
    assert c["train_train_clusters"] == kinds["tt"]
    assert c["leaked_val_images"] == len(leaks) and c["val_removals"] == len(expected_removals)
    assert c["clean_val"] == c["val"] - c["val_removals"]
    assert c["clean_total"] == c["train"] + c["clean_val"]
    multi = [cl for cl in t["clusters"] if len({label[m] for m in cl}) > 1]
    assert t["multi_label_clusters"] == multi and c["multi_label_clusters"] == len(multi)
    # every planted case is there a few times
    agree = [v["labels_agree"] for v in leaks.values()]
    assert agree.count(True) >= 3 and agree.count(False) > agree.count(True)
    assert sum(1 for cl in t["clusters"] if len(cl) >= 3) >= 5
    assert any(sum(split[m] == "val" for m in cl) == 2 and len(cl) == 3 and kinds for cl in t["clusters"])
    vv = [cl for cl in t["clusters"] if {split[m] for m in cl} == {"val"}]
    assert any(len({label[m] for m in cl}) == 1 for cl in vv) and any(len({label[m] for m in cl}) > 1 for cl in vv)
    opaque_in_clusters = [m for cl in t["clusters"] for m in cl if m.startswith("img_")]
    assert len(opaque_in_clusters) >= 3
    assert len(t["transitive_merges"]) >= 3
    assert c["clusters_spanning_chunk_files"] >= 10


def _gt_class(sample, text):
    for c in sample.classes:
        if text in (c["wnid"], c["class_index"], c["clean_name"].replace(" ", "_")):
            return int(c["class_index"])
    raise AssertionError(text)


def test_labels_tags_and_findings(sample):
    ambiguous = {"missile", "sunglasses"}
    amb_idx = {int(c["class_index"]) for c in sample.classes if c["clean_name"] in ambiguous}
    kinds = defaultdict(int)
    counts = defaultdict(set)
    split_tagged = {}
    for _, it in sample.items():
        iid = sample.image_id(it)
        row = sample.by_id[iid]
        gt = [m for m in it["metadata_items"] if m["type"] == "image_label" and m["properties"]["source"] == "User"]
        auto = [m for m in it["metadata_items"] if m["type"] == "image_label" and m["properties"]["source"] == "Visual Layer"]
        assert len(gt) == 1 and 2 <= len(auto) <= 4
        text = gt[0]["properties"]["category_name"]
        assert gt[0]["properties"]["original_id"] == -1
        assert _gt_class(sample, text) == int(row["label"])
        if int(row["label"]) in amb_idx:
            assert text.startswith("n")
        kinds["wnid" if re.fullmatch(r"n\d{8}", text) else "index" if text.isdigit() else "name"] += 1
        for m in it["metadata_items"]:
            if m["type"] == "issue" and m["properties"]["issue_type"] != "duplicates":
                p = m["properties"]
                counts[p["issue_type"]].add(iid)
                if p["issue_type"] == "mislabels":
                    assert row["split"] == "train"
                    sug = p["issues_description"]
                    assert sug not in ambiguous
                    assert any(sug in (c["clean_name"], c["wnid"]) for c in sample.classes)
            if m["type"] == "user_tag":
                name = m["properties"]["tag_name"] if "properties" in m else m["tag_name"]
                if name in ("train", "val"):
                    assert name == row["split"]
                    split_tagged[iid] = "properties" if "properties" in m else "item_level"
    total = sum(kinds.values())
    assert kinds["wnid"] > 0.65 * total and kinds["name"] > 0.04 * total and kinds["index"] > 0.04 * total
    assert {k: len(v) for k, v in counts.items()} == sample.truth["counts"]["findings"]
    assert set(split_tagged.values()) == {"properties", "item_level"}
    assert all(i.startswith("img_") for i in split_tagged)
    exported = {sample.image_id(it) for _, it in sample.items()}
    unknown = sorted(i for i in exported if i.startswith("img_") and i not in split_tagged)
    assert unknown == sample.truth["unknown_split_without_manifest"]
    in_cl = {m for cl in sample.truth["clusters"] for m in cl}
    assert sample.truth["unknown_split_in_clusters_without_manifest"] == [i for i in unknown if i in in_cl]
    assert sample.truth["unknown_split_in_clusters_without_manifest"]
    conf = [sample.truth["mislabels"][i]["confidence"] for i in sample.truth["mislabels"]]
    assert 0.25 <= sum(x > 0.9 for x in conf) / len(conf) <= 0.55


def test_team_clusters(sample):
    doc = json.loads((sample.root / "team_clusters.json").read_text())
    got = []
    aliases = set()
    for cl in doc["clusters"]:
        assert re.fullmatch(r"cluster_\d{3}", cl["cluster_id"])
        imgs = cl.get("images") or cl.get("members")
        aliases |= set(cl) | {k for i in imgs for k in i}
        mem = []
        for i in imgs:
            iid = i.get("id", i.get("image_id"))
            row = sample.by_id[iid]
            assert i.get("path", i.get("image_path")) == row["path"]
            assert i.get("label", i.get("class")) == int(row["label"])
            mem.append(iid)
        got.append(sorted(mem))
    assert sorted(got) == sample.truth["team_clusters"]
    assert all(c in sample.truth["clusters"] for c in got)
    assert {"members", "image_path", "class", "image_id", "images", "id"} <= aliases


def test_decisions(sample):
    with open(ROOT / "seeds" / "tag_schema.csv", newline="") as f:
        schema = {r["tag_name"] for r in csv.DictReader(f)}
    logs = {}
    for who in ("alice", "bob"):
        with open(sample.root / "decisions" / f"{who}.csv", newline="") as f:
            rd = csv.DictReader(f)
            assert rd.fieldnames == ["image_id", "cluster_id", "reviewer", "decided_at", "tags", "action", "new_label", "note"]
            rows = list(rd)
        assert 55 <= len(rows) <= 80
        for r in rows:
            assert r["image_id"] in sample.by_id and r["cluster_id"] == "" and r["reviewer"] == who
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["decided_at"])
            assert r["action"] in {"keep", "remove", "relabel", "defer"}
            assert all(t in schema for t in r["tags"].split(";"))
            if r["action"] == "relabel":
                assert 0 <= int(r["new_label"]) < 1000 and int(r["new_label"]) != int(sample.by_id[r["image_id"]]["label"])
            else:
                assert r["new_label"] == ""
        logs[who] = rows
    assert sample.truth["decisions"]["alice"] == logs["alice"]
    assert sample.truth["decisions"]["bob"] == logs["bob"]
    latest = {}
    for who, rows in logs.items():
        seen = defaultdict(list)
        for r in rows:
            seen[r["image_id"]].append(r["decided_at"])
        multi = [i for i, ts in seen.items() if len(ts) > 1]
        assert len(multi) == (1 if who == "bob" else 0)
        for i in multi:
            assert seen[i][-1] > seen[i][0]
        latest[who] = {r["image_id"]: r["action"] for r in sorted(rows, key=lambda r: r["decided_at"])}
    both = set(latest["alice"]) & set(latest["bob"])
    dis = sorted(i for i in both if latest["alice"][i] != latest["bob"][i])
    assert 5 <= len(dis) <= 15 and dis == sample.truth["decisions"]["disagreements"]
    leaks = set(sample.truth["leaked_val_images"])
    assert any(r["image_id"] in leaks and "not_duplicate" in r["tags"].split(";") and r["action"] == "keep"
               for r in logs["alice"])


def test_images(sample):
    png = b"\x89PNG\r\n\x1a\n"
    exported = {sample.image_id(it) for _, it in sample.items()}
    files = {str(p.relative_to(sample.root / "images")) for p in (sample.root / "images").rglob("*") if p.is_file()}
    assert files == {sample.by_id[i]["path"] for i in exported}
    for cl in sample.truth["clusters"][:40]:
        data = {(sample.root / "images" / sample.by_id[m]["path"]).read_bytes() for m in cl}
        assert len(data) == 1 and next(iter(data)).startswith(png)


def test_default_profile_arithmetic():
    spec = importlib.util.spec_from_file_location("generate_sample_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cfg = mod.PROFILES["default"]
    assert cfg["train_total"] == 1281167 and cfg["val_total"] == 50000
    assert {k: a + b for k, (a, b) in cfg["findings"].items()} == {
        "mislabels": 1480, "dark": 3174, "blur": 2478, "outliers": 1199, "bright": 770}
    gen = mod.Generator("default", mod.DEFAULT_SEED)
    assert sum(gen.n_train) == 1281167 and min(gen.n_train) >= 732 and max(gen.n_train) == 1300
    gen.plan_clusters()
    assert gen.planned_duplicate_images == 14851
    assert sum(len(f["exact"]) for f in gen.families) == 14851

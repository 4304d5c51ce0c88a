"""scripts/manifest_from_imagefolder.py and scripts/manifest_from_val_ground_truth.py: exact
manifest content, errors (exit 2, nothing written), the real val ground truth, and a dbt build
that accepts the written manifest."""
import csv
import json
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from conftest import PROJECT, require_shared, run_dbt

SCRIPTS = PROJECT / "scripts"
HEADER = ["image_id", "path", "split", "label"]


def run_script(name, *args):
    return subprocess.run([sys.executable, str(SCRIPTS / name), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def imagefolder(*args):
    return run_script("manifest_from_imagefolder.py", *args)


def ground_truth(*args):
    return run_script("manifest_from_val_ground_truth.py", *args)


def read_manifest(path):
    if path.suffix == ".csv":
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == HEADER
        return [(i, p, s, int(label)) for i, p, s, label in rows[1:]]
    with duckdb.connect() as connection:
        described = connection.execute("describe select * from read_parquet(?)", [str(path)])
        assert [(name, kind) for name, kind, *_ in described.fetchall()] == list(
            zip(HEADER, ["VARCHAR", "VARCHAR", "VARCHAR", "INTEGER"]))
        return connection.execute("select * from read_parquet(?)", [str(path)]).fetchall()


def touch(root, *relative_paths):
    for relative in relative_paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not really an image")


TREE = [
    "train/n01440764/n01440764_10026.JPEG",
    "train/n01440764/n01440764_2.jpg",
    "train/n01440764/.DS_Store",                    # hidden: skipped
    "train/n01440764/._n01440764_10026.JPEG",       # macOS resource fork, hidden: skipped
    "train/n01443537/n01443537_1.Png",
    "train/n01443537/readme.txt",                   # not an image: skipped
    "train/.ipynb_checkpoints/n01440764_9.JPEG",    # hidden folder: skipped
    "val/n01440764/ILSVRC2012_val_00000003.jpeg",
    "val/n15075141/ILSVRC2012_val_00000002.WEBP",
]
TREE_ROWS = [  # sorted by image_id (upper case sorts before lower case)
    ("ILSVRC2012_val_00000002", "val/n15075141/ILSVRC2012_val_00000002.WEBP", "val", 999),
    ("ILSVRC2012_val_00000003", "val/n01440764/ILSVRC2012_val_00000003.jpeg", "val", 0),
    ("n01440764_10026", "train/n01440764/n01440764_10026.JPEG", "train", 0),
    ("n01440764_2", "train/n01440764/n01440764_2.jpg", "train", 0),
    ("n01443537_1", "train/n01443537/n01443537_1.Png", "train", 1),
]


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "imagenet"
    touch(root, *TREE)
    return root


@pytest.mark.parametrize("name", ["manifest.csv", "manifest.parquet"])
def test_imagefolder_manifest_is_exact(tree, tmp_path, name):
    out = tmp_path / "out" / name
    result = imagefolder(tree, "--out", out)
    assert result.returncode == 0, result.stderr
    assert read_manifest(out) == TREE_ROWS
    assert f"wrote 5 rows to {out}" in result.stdout
    assert "skipped 1 non-image files" in result.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == [name]  # no temporary left


def test_imagefolder_lists_names_differing_only_in_case_once(tree, tmp_path):
    (tree / "train/n01440764/n01440764_2.JPG").write_bytes(b"")
    if len(list((tree / "train/n01440764").glob("n01440764_2.*"))) == 1:
        pytest.skip("the file system is case-insensitive: the second name is the same file")
    out = tmp_path / "manifest.csv"
    result = imagefolder(tree, "--out", out)
    assert result.returncode == 0, result.stderr
    assert read_manifest(out) == [  # "...2.JPG" sorts first, so it is the one listed
        row if row[0] != "n01440764_2" else (row[0], "train/n01440764/n01440764_2.JPG", *row[2:])
        for row in TREE_ROWS]
    assert "n01440764_2.jpg listed once, as train/n01440764/n01440764_2.JPG" in result.stderr


def test_imagefolder_flat_val_labelled_by_ground_truth(tmp_path):
    root = tmp_path / "imagenet"
    touch(root, "train/n01440764/n01440764_1.JPEG", "val/ILSVRC2012_val_00000001.JPEG",
          "val/ILSVRC2012_val_00000002.JPEG", "val/LOC_val_solution.csv")
    truth = tmp_path / "gt.csv"
    truth.write_text("filename,class_index,wnid\nILSVRC2012_val_00000001.JPEG,65,n01751748\n"
                     "ILSVRC2012_val_00000002.JPEG,970,n09193705\n"
                     "ILSVRC2012_val_00000003.JPEG,230,n02105855\n")  # not in the tree: fine
    out = tmp_path / "manifest.parquet"
    result = imagefolder(root, "--out", out, "--val-ground-truth", truth)
    assert result.returncode == 0, result.stderr
    assert read_manifest(out) == [
        ("ILSVRC2012_val_00000001", "val/ILSVRC2012_val_00000001.JPEG", "val", 65),
        ("ILSVRC2012_val_00000002", "val/ILSVRC2012_val_00000002.JPEG", "val", 970),
        ("n01440764_1", "train/n01440764/n01440764_1.JPEG", "train", 0),
    ]

    touch(root, "val/ILSVRC2012_val_00000004.JPEG")
    result = imagefolder(root, "--out", out, "--val-ground-truth", truth)
    assert result.returncode == 2
    assert f"{root}/val/ILSVRC2012_val_00000004.JPEG is not in the --val-ground-truth file" \
        in result.stderr


@pytest.mark.parametrize("extra, args, message", [
    (["train/n99999999/a.JPEG"], [],
     "error: folder {root}/train/n99999999 is not a wnid in the class list"),
    (["train/n01440764/nested/a.JPEG"], [],
     "error: unexpected folder inside a class folder: {root}/train/n01440764/nested"),
    (["extra/n01440764/a.JPEG"], [],
     "error: split folder {root}/extra is not one of --splits train,val,test"),
    ([], ["--splits", "train"], "error: split folder {root}/val is not one of --splits train"),
    (["val/n01443537/n01440764_2.png"], [],
     "error: duplicate image_id n01440764_2: {root}/train/n01440764/n01440764_2.jpg and "
     "{root}/val/n01443537/n01440764_2.png"),
    (["train/n01440764/n01440764_2.webp"], [],
     "error: duplicate image_id n01440764_2: {root}/train/n01440764/n01440764_2.jpg and "
     "{root}/train/n01440764/n01440764_2.webp"),
    (["val/ILSVRC2012_val_00000009.JPEG"], [],
     "error: image directly in a split folder: {root}/val/ILSVRC2012_val_00000009.JPEG (only "
     "val may be flat, and only with --val-ground-truth)"),
    (["stray.JPEG"], [], "error: image outside a split folder: {root}/stray.JPEG"),
])
def test_imagefolder_errors_write_nothing(tree, tmp_path, extra, args, message):
    touch(tree, *extra)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "manifest.parquet"
    existing.write_bytes(b"the previous manifest")
    result = imagefolder(tree, "--out", existing, *args)
    assert result.returncode == 2, result.stdout
    assert message.format(root=tree) in result.stderr
    assert existing.read_bytes() == b"the previous manifest"
    assert list(out_dir.iterdir()) == [existing]


def test_imagefolder_usage_errors(tmp_path):
    result = imagefolder(tmp_path / "missing", "--out", tmp_path / "m.csv")
    assert result.returncode == 2 and f"ROOT is not a folder: {tmp_path}/missing" in result.stderr
    result = imagefolder(tmp_path, "--out", tmp_path / "m.json")
    assert result.returncode == 2 and "--out must end in .csv or .parquet" in result.stderr
    result = imagefolder(tmp_path, "--out", tmp_path / "m.csv")
    assert result.returncode == 2 and "no images found under" in result.stderr
    assert list(tmp_path.iterdir()) == []
    for script in (imagefolder, ground_truth):
        result = script("--help")
        assert result.returncode == 0 and "--out" in result.stdout


SMALL_TRUTH = """filename,class_index,wnid
ILSVRC2012_val_00000002.JPEG,970,n09193705

ILSVRC2012_val_00000001.JPEG,65,n01751748
ILSVRC2012_val_00000003.JPEG,230,n02105855
"""


@pytest.mark.parametrize("name", ["val.csv", "val.parquet"])
def test_ground_truth_manifest_is_exact(tmp_path, name):
    truth = tmp_path / "gt.csv"
    truth.write_text(SMALL_TRUTH)
    out = tmp_path / name
    result = ground_truth(truth, "--out", out)
    assert result.returncode == 0, result.stderr
    assert f"wrote 3 rows to {out}" in result.stdout
    assert read_manifest(out) == [
        ("ILSVRC2012_val_00000001", "val/n01751748/ILSVRC2012_val_00000001.JPEG", "val", 65),
        ("ILSVRC2012_val_00000002", "val/n09193705/ILSVRC2012_val_00000002.JPEG", "val", 970),
        ("ILSVRC2012_val_00000003", "val/n02105855/ILSVRC2012_val_00000003.JPEG", "val", 230),
    ]


def test_ground_truth_without_header_and_flat_template(tmp_path):
    truth = tmp_path / "gt.csv"
    truth.write_text(SMALL_TRUTH.split("\n", 1)[1])
    out = tmp_path / "val.csv"
    result = ground_truth(truth, "--out", out, "--path-template", "val/{filename}")
    assert result.returncode == 0, result.stderr
    assert [row[:2] for row in read_manifest(out)] == [
        (f"ILSVRC2012_val_0000000{i}", f"val/ILSVRC2012_val_0000000{i}.JPEG") for i in (1, 2, 3)]


@pytest.mark.parametrize("content, args, message", [
    ("a.JPEG,0,n01440764\nb.JPEG,1,n01440764\n", [],
     "gt.txt line 2: class_index 1 and wnid n01440764 disagree (the class list has "
     "n01440764 = 0, 1 = n01443537)"),
    ("a.JPEG,0,n99999999\n", [], "gt.txt line 1: wnid n99999999 is not in the class list"),
    ("a.JPEG,zero,n01440764\n", [], "gt.txt line 1: class_index 'zero' is not an integer"),
    ("a.JPEG,0\n", [], "gt.txt line 1: expected filename,class_index,wnid, got 2 fields"),
    ("a.JPEG,0,n01440764\na.png,0,n01440764\n", [],
     "gt.txt line 2: a.png repeats the image id a of line 1"),
    ("66\n971\n", [], "gt.txt line 1: this looks like the devkit's "
     "ILSVRC2012_validation_ground_truth.txt (one ILSVRC2012_ID per line)"),
    ("", [], "gt.txt: no ground-truth rows"),
    ("a.JPEG,0,n01440764\n", ["--path-template", "val/{synset}/{filename}"],
     "--path-template 'val/{synset}/{filename}': unknown field(s) ['synset']"),
    ("a.JPEG,0,n01440764\n", ["--path-template", "/data/val/{filename}"],
     "--path-template '/data/val/{filename}' must be dataset-relative"),
])
def test_ground_truth_errors_write_nothing(tmp_path, content, args, message):
    truth = tmp_path / "gt.txt"
    truth.write_text(content)
    result = ground_truth(truth, "--out", tmp_path / "out" / "val.csv", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["val.csv", "val.parquet"])
def test_ground_truth_on_the_real_imagenet_val(tmp_path, name):
    truth = require_shared("imagenet", "val_ground_truth.csv")
    out = tmp_path / name
    result = ground_truth(truth, "--out", out)
    assert result.returncode == 0, result.stderr
    rows = read_manifest(out)
    assert len(rows) == 50_000 and f"wrote 50000 rows to {out}" in result.stdout
    assert set(Counter(label for *_, label in rows).values()) == {50}
    assert len(Counter(label for *_, label in rows)) == 1000
    assert rows[0] == ("ILSVRC2012_val_00000001", "val/n01751748/ILSVRC2012_val_00000001.JPEG",
                       "val", 65)
    assert [row[0] for row in rows] == [f"ILSVRC2012_val_{i:08d}" for i in range(1, 50_001)]


def test_dbt_build_accepts_the_written_manifest(tree, tmp_path):
    manifest = tmp_path / "manifest.parquet"
    assert imagefolder(tree, "--out", manifest).returncode == 0
    export = tmp_path / "vl_export.json"
    export.write_text(json.dumps({"info": {"schema_version": "1.1"}, "media_items": [{
        "media_id": "m1", "media_type": "image", "file_name": "x.JPEG",
        "file_path": "imagenet1k/train/n01440764/x.JPEG", "metadata_items": []}]}))
    # cautious: with the default (eager) indirect selection, `--select +images` would also run
    # tests of marts outside the selection (relationships to images), which fail on a fresh DB.
    run = run_dbt(tmp_path / "dbt", {
        "vl_export_path": str(export), "manifest_path": str(manifest), "decisions_path": "",
        "deliverables_dir": str(tmp_path / "out")},
        extra_args=["--select", "+images", "--indirect-selection", "cautious"],
        db_path=tmp_path / "db.duckdb")
    assert run.ok, run.output[-4000:]
    rows = run.query("select image_id, split, class_index from images where is_in_manifest "
                     "order by image_id")
    assert rows == [(image_id, split, label) for image_id, _, split, label in TREE_ROWS]
    assert run.query("select count(*) from images where not is_in_manifest") == [(1,)]  # VL's x

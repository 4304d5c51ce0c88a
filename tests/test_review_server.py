"""HTTP-level tests of scripts/review_server.py, against fixture queues written into tmp_path.

The server runs in-process on port 0 in a thread (make_server); one test runs the CLI as a
subprocess. The project's own seeds (tag schema, class list) are used as they are.
"""
from __future__ import annotations

import csv
import http.client
import importlib.util
import json
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TAG_SCHEMA = ROOT / "seeds" / "tag_schema.csv"
CLASSES = ROOT / "seeds" / "imagenet1k_classes.csv"
HEADER = "image_id,cluster_id,reviewer,decided_at,tags,action,new_label,note"

_spec = importlib.util.spec_from_file_location("review_server", ROOT / "scripts" / "review_server.py")
review_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(review_server)

HOSTILE = "<img src=x onerror=alert(1)>"
ODD_NAME = 'tench, "the" fish – Schleie ü'
ODD_ID = 'n01440764_18,"q"ü'


def make_png(width=8, height=8, rgb=(200, 60, 40)) -> bytes:
    """A real (tiny, solid colour) PNG, so thumbnails decode in the browser test."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = make_png()


# ---------------------------------------------------------------- shared helpers (also used by the browser test)
def image_item(image_id, path, split, label, label_name, issue, rank, **extra):
    item = {
        "queue_item_id": f"image:{image_id}", "item_kind": "image", "image_id": image_id, "cluster_id": None,
        "image_path": path, "split": split, "label": label, "label_name": label_name, "issue_type": issue,
        "confidence": 0.5, "suggested_label": None, "suggested_label_name": None, "priority_rank": rank,
        "priority": "medium", "reason": f"{issue} finding", "state": "new", "members": [],
    }
    item.update(extra)
    return item


def fixture_queue():
    items = [
        image_item("ILSVRC2012_val_00000001", "val/ILSVRC2012_val_00000001.png", "val", 0, "tench", "mislabel", 1,
                   confidence=0.97, suggested_label=1, suggested_label_name="goldfish", priority="high",
                   reason="VL mislabel, confidence 0.97"),
        image_item("n01443537_7", "train/n01443537/n01443537_7.png", "train", 1, HOSTILE, "outlier", 2,
                   suggested_label=2, suggested_label_name=HOSTILE),
        image_item(ODD_ID, "train/n01440764/n01440764_18.png", "train", 0, ODD_NAME, "blur", 3, confidence=0.61),
        image_item("ILSVRC2012_val_00000404", "val/ILSVRC2012_val_00000404.png", "val", 3, "tiger shark", "dark", 4),
        {
            "queue_item_id": "cluster:c1", "item_kind": "cluster", "image_id": None, "cluster_id": "c1",
            "image_path": None, "split": None, "label": None, "label_name": None, "issue_type": "train_val_leak",
            "confidence": 1.0, "suggested_label": 3, "suggested_label_name": "tiger shark", "priority_rank": 5,
            "priority": "high", "reason": "train and val copies with different labels", "state": "new",
            "members": [
                {"image_id": "n01491361_3", "image_path": "train/n01491361/n01491361_3.png", "split": "train",
                 "label": 3, "label_name": "tiger shark"},
                {"image_id": "ILSVRC2012_val_00000002", "image_path": "val/ILSVRC2012_val_00000002.png",
                 "split": "val", "label": 4, "label_name": "hammerhead"},
            ],
        },
    ]
    return {"dataset": "imagenet1k", "items": items}


def write_fixture(tmp_path, queue=None, with_images=True):
    """Queue file, image root with tiny PNGs (one file missing on purpose), decisions dir."""
    queue = queue or fixture_queue()
    qpath = tmp_path / "queue.json"
    qpath.write_text(json.dumps(queue), encoding="utf-8")
    image_root = tmp_path / "images"
    image_root.mkdir(exist_ok=True)
    if with_images:
        for item in queue["items"]:
            paths = [item["image_path"]] + [m["image_path"] for m in item["members"]]
            for p in paths:
                if p and "00000404" not in p:  # this one stays missing: the page must show a placeholder
                    (image_root / p).parent.mkdir(parents=True, exist_ok=True)
                    (image_root / p).write_bytes(PNG)
    return {"queue_path": qpath, "decisions_dir": tmp_path / "reviews", "image_root": image_root,
            "tag_schema_path": TAG_SCHEMA, "classes_path": CLASSES}


class Running:
    """A server on a free port in a daemon thread, stopped by close()."""

    def __init__(self, reviewer="alice", **paths):
        self.server = review_server.make_server(reviewer=reviewer, **paths)
        self.port = self.server.server_address[1]
        self.url = self.server.url
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()


def request(port, method, path, body=None, headers=None):
    """Raw http.client request: the path goes out exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def get_json(port, path):
    status, _, data = request(port, "GET", path)
    return status, json.loads(data)


def post(port, body, headers=None):
    status, _, data = request(port, "POST", "/api/decisions", body, headers)
    return status, json.loads(data)


def read_log(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- fixtures
@pytest.fixture
def paths(tmp_path):
    return write_fixture(tmp_path)


@pytest.fixture
def srv(paths):
    running = Running(**paths)
    yield running
    running.close()


# ---------------------------------------------------------------- read endpoints
def test_meta(srv):
    status, meta = get_json(srv.port, "/api/meta")
    assert status == 200
    assert meta["dataset"] == "imagenet1k" and meta["reviewer"] == "alice"
    assert {r["tag_name"] for r in meta["tag_schema"]} >= {"mislabel_confirmed", "not_duplicate", "relabel_to_{class}"}
    assert len(meta["classes"]) == 1000 and meta["classes"][0] == {"index": 0, "wnid": "n01440764", "name": "tench",
                                                                "synonyms": "tench, Tinca tinca"}
    assert meta["issue_types"] == sorted(["mislabel", "outlier", "blur", "dark", "train_val_leak"])
    assert meta["progress"] == {"decided": 0, "total": 5}


def test_queue_items_and_filters(srv):
    status, q = get_json(srv.port, "/api/queue?offset=0&limit=50")
    assert status == 200 and q["total"] == 5 and q["offset"] == 0
    assert [i["priority_rank"] for i in q["items"]] == [1, 2, 3, 4, 5]
    assert all(i["my_decision"] is None and i["state"] == "new" for i in q["items"])
    assert q["items"][1]["label_name"] == HOSTILE  # data goes out untouched; the page escapes it
    assert get_json(srv.port, "/api/queue?issue_type=mislabel")[1]["total"] == 1
    # a cluster matches a class filter through its members
    assert [i["queue_item_id"] for i in get_json(srv.port, "/api/queue?label=4")[1]["items"]] == ["cluster:c1"]
    assert get_json(srv.port, "/api/queue?label=n01440764")[1]["total"] == 2
    assert get_json(srv.port, "/api/queue?offset=2&limit=2")[1]["items"][0]["priority_rank"] == 3
    for bad in ("offset=-1", "offset=x", "limit=0", "limit=100000", "state=weird", "label=99999"):
        status, body = get_json(srv.port, f"/api/queue?{bad}")
        assert status == 400 and "error" in body, bad


def test_static_files(srv):
    status, headers, body = request(srv.port, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"app.js" in body
    status, headers, _ = request(srv.port, "GET", "/app.js")
    assert status == 200 and "javascript" in headers["content-type"]
    assert "default-src 'self'" in headers["content-security-policy"]
    for path in ("/../review_server.py", "/%2e%2e/review_server.py", "/nope.html", "/api/nope"):
        assert request(srv.port, "GET", path)[0] == 404, path


def test_images_and_traversal(srv, paths, tmp_path):
    status, headers, body = request(srv.port, "GET", "/images/val/ILSVRC2012_val_00000001.png")
    assert status == 200 and headers["content-type"] == "image/png" and body == PNG
    (paths["image_root"] / "train" / "a.JPEG").write_bytes(b"\xff\xd8\xff")
    assert request(srv.port, "GET", "/images/train/a.JPEG")[1]["content-type"] == "image/jpeg"
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (paths["image_root"] / "escape.png").symlink_to(secret)
    (paths["image_root"] / "escape_dir").symlink_to(tmp_path, target_is_directory=True)
    for path in (
        "/images/../../etc/passwd", "/images/../secret.txt", "/images/%2e%2e/%2e%2e/etc/passwd",
        "/images/..%2f..%2fetc%2fpasswd", "/images/%2E%2E%2Fsecret.txt", "/images/%252e%252e/secret.txt",
        "/images//etc/passwd", "/images/%2fetc%2fpasswd", "/images/..\\secret.txt", "/images/..%5csecret.txt",
        "/images/escape.png", "/images/escape_dir/secret.txt", "/images/val", "/images/", "/images/x%00.png",
        "/images/val/ILSVRC2012_val_00000404.png",
    ):
        status, _, body = request(srv.port, "GET", path)
        assert status == 404 and b"secret" not in body and b"root:" not in body, path


def test_host_and_origin_checks(srv):
    assert request(srv.port, "GET", "/api/meta", headers={"Host": "evil.example:80"})[0] == 403
    body = {"queue_item_id": "image:ILSVRC2012_val_00000001", "action": "keep"}
    status, err = post(srv.port, body, {"Origin": "http://evil.example"})
    assert status == 403 and "error" in err
    status, err = post(srv.port, body, {"Content-Type": "text/plain"})
    assert status == 400 and err["field"] == "content-type"


# ---------------------------------------------------------------- validation
VAL1 = "image:ILSVRC2012_val_00000001"


@pytest.mark.parametrize("body, field", [
    ({"queue_item_id": "image:nope", "action": "keep"}, "queue_item_id"),
    ({"queue_item_id": 5, "action": "keep"}, "queue_item_id"),
    ({"action": "keep"}, "queue_item_id"),
    ({"queue_item_id": VAL1, "action": "delete"}, "action"),
    ({"queue_item_id": VAL1}, "action"),
    ({"queue_item_id": VAL1, "action": "keep", "tags": ["not_a_tag"]}, "tags"),
    ({"queue_item_id": VAL1, "action": "keep", "tags": "keep"}, "tags"),
    ({"queue_item_id": VAL1, "action": "keep", "tags": ["relabel_to_{class}"]}, "tags"),
    ({"queue_item_id": VAL1, "action": "relabel", "tags": ["relabel_to_n99999999"]}, "tags"),
    ({"queue_item_id": VAL1, "action": "relabel"}, "new_label"),
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": 0}, "new_label"),             # same label
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": "n01440764"}, "new_label"),   # same, by wnid
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": 1000}, "new_label"),
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": -1}, "new_label"),
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": "n00000000"}, "new_label"),
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": True}, "new_label"),
    ({"queue_item_id": VAL1, "action": "relabel", "new_label": 2, "tags": ["relabel_to_3"]}, "new_label"),
    ({"queue_item_id": VAL1, "action": "keep", "new_label": 2}, "new_label"),
    ({"queue_item_id": VAL1, "action": "keep", "note": 7}, "note"),
    ({"queue_item_id": VAL1, "action": "keep", "note": "x" * 5000}, "note"),
    (["not", "an", "object"], "body"),
])
def test_decision_validation(srv, paths, body, field):
    status, err = post(srv.port, body)
    assert status == 400, err
    assert err["field"] == field and field in err["error"]
    assert not (paths["decisions_dir"] / "alice.csv").exists()  # nothing is written on a rejected request


def test_malformed_bodies(srv):
    for raw in (b"{not json", b"\xff\xfe", b""):
        status, _, data = request(srv.port, "POST", "/api/decisions", raw, {"Content-Type": "application/json"})
        assert status == 400 and "error" in json.loads(data) and b"Traceback" not in data
    big = b'{"note": "' + b"x" * (70 * 1024) + b'"}'
    status, _, data = request(srv.port, "POST", "/api/decisions", big, {"Content-Type": "application/json"})
    assert status == 413 and "error" in json.loads(data)
    status, _, data = request(srv.port, "POST", "/api/elsewhere", {"a": 1})
    assert status == 404 and "error" in json.loads(data)


# ---------------------------------------------------------------- writing the log
def test_append_only_log_and_restart(srv, paths):
    log = paths["decisions_dir"] / "alice.csv"
    status, first = post(srv.port, {"queue_item_id": VAL1, "action": "relabel", "new_label": "n01443537",
                                    "tags": ["relabel"], "note": 'says "goldfish", clearly – ü'})
    assert status == 200
    row = first["decision"]
    assert row["new_label"] == "1" and row["image_id"] == "ILSVRC2012_val_00000001" and row["cluster_id"] == ""
    assert row["decided_at"].endswith("Z") and row["reviewer"] == "alice"
    before = log.read_bytes()
    assert before.decode().splitlines()[0] == HEADER

    status, second = post(srv.port, {"queue_item_id": "cluster:c1", "action": "keep", "tags": ["not_duplicate"]})
    assert status == 200 and first["decision"]["decided_at"] <= second["decision"]["decided_at"]
    after = log.read_bytes()
    assert after.startswith(before)  # the earlier row is untouched
    rows = read_log(log)
    assert len(rows) == 2 and list(rows[0]) == HEADER.split(",")
    assert rows[0] == first["decision"]
    assert rows[1]["cluster_id"] == "c1" and rows[1]["image_id"] == "" and rows[1]["tags"] == "not_duplicate"
    assert second["progress"] == {"decided": 2, "total": 5}

    # the latest decision shows, and a fresh server reads it back from the log
    status, q = get_json(srv.port, "/api/queue")
    by_id = {i["queue_item_id"]: i for i in q["items"]}
    assert by_id[VAL1]["my_decision"] == rows[0] and by_id[VAL1]["state"] == "decided"
    assert get_json(srv.port, "/api/queue?state=decided")[1]["total"] == 2
    srv.close()
    again = Running(**paths)
    try:
        q = get_json(again.port, "/api/queue")[1]
        assert {i["queue_item_id"]: i for i in q["items"]}["cluster:c1"]["my_decision"] == rows[1]
        assert get_json(again.port, "/api/meta")[1]["progress"]["decided"] == 2
        status, third = post(again.port, {"queue_item_id": VAL1, "action": "defer"})
        assert status == 200 and len(read_log(log)) == 3 and log.read_bytes().startswith(after)
        item = {i["queue_item_id"]: i for i in get_json(again.port, "/api/queue")[1]["items"]}[VAL1]
        assert item["my_decision"]["action"] == "defer"  # a later row supersedes the earlier one
    finally:
        again.close()


def test_relabel_tag_and_odd_values(srv, paths):
    # relabel_to_<wnid> names the class; new_label comes from it and is stored as the index
    status, res = post(srv.port, {"queue_item_id": VAL1, "action": "relabel", "tags": ["relabel_to_n01443537"]})
    assert status == 200 and res["decision"]["new_label"] == "1" and res["decision"]["tags"] == "relabel_to_n01443537"
    status, res = post(srv.port, {"queue_item_id": VAL1, "action": "relabel", "new_label": "2", "tags": ["relabel_to_2"]})
    assert status == 200 and res["decision"]["new_label"] == "2"
    # a cluster with labels 3 and 4 may be relabelled to 3 (one of its classes)
    assert post(srv.port, {"queue_item_id": "cluster:c1", "action": "relabel", "new_label": 3})[0] == 200
    note = 'line one, "two"\nline <b>three</b> ü; end'
    status, res = post(srv.port, {"queue_item_id": f"image:{ODD_ID}", "action": "remove",
                                  "tags": ["low_quality_blur", "remove", "low_quality_blur"], "note": note})
    assert status == 200
    rows = read_log(paths["decisions_dir"] / "alice.csv")
    assert rows[-1]["image_id"] == ODD_ID and rows[-1]["note"] == note and rows[-1]["tags"] == "low_quality_blur;remove"


def test_append_after_torn_last_line(paths):
    """A log whose last line lacks its newline (hand edit, crash) still gets a separate row."""
    paths["decisions_dir"].mkdir()
    log = paths["decisions_dir"] / "alice.csv"
    log.write_text(HEADER + "\r\nn01443537_7,,alice,2024-01-01T00:00:00Z,,keep,,", encoding="utf-8")
    running = Running(**paths)
    try:
        assert post(running.port, {"queue_item_id": VAL1, "action": "defer"})[0] == 200
    finally:
        running.close()
    assert [r["action"] for r in read_log(log)] == ["keep", "defer"]


def test_export(srv, paths):
    status, headers, body = request(srv.port, "GET", "/api/decisions.csv")
    assert status == 200 and body.decode().strip() == HEADER  # nothing decided yet: header only
    post(srv.port, {"queue_item_id": VAL1, "action": "keep", "note": "fine, \"really\""})
    status, headers, body = request(srv.port, "GET", "/api/decisions.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="alice.csv"'
    assert body == (paths["decisions_dir"] / "alice.csv").read_bytes()


def test_concurrent_decisions(srv, paths):
    ids = [VAL1, "image:n01443537_7", f"image:{ODD_ID}", "image:ILSVRC2012_val_00000404", "cluster:c1"]
    results = []

    def worker(n):
        results.append(post(srv.port, {"queue_item_id": ids[n % 5], "action": "defer", "note": f"n{n}"})[0])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 40
    text = (paths["decisions_dir"] / "alice.csv").read_text(encoding="utf-8")
    assert text.count(HEADER) == 1
    assert sorted(r["note"] for r in read_log(paths["decisions_dir"] / "alice.csv")) == sorted(f"n{n}" for n in range(40))


def test_generated_at_keeps_build_state(tmp_path):
    """A decision made before the build is already in the build's state (e.g. a conflict)."""
    queue = fixture_queue()
    queue["generated_at"] = "2030-01-01T00:00:00Z"
    queue["items"][0]["state"] = "conflict"
    paths = write_fixture(tmp_path, queue, with_images=False)
    paths["decisions_dir"].mkdir()
    (paths["decisions_dir"] / "bob.csv").write_text(
        HEADER + "\r\nILSVRC2012_val_00000001,,bob,2029-12-31T10:00:00Z,,keep,,\r\n", encoding="utf-8")
    running = Running(reviewer="bob", **paths)
    try:
        item = get_json(running.port, "/api/queue")[1]["items"][0]
        assert item["state"] == "conflict" and item["my_decision"]["action"] == "keep"
        assert post(running.port, {"queue_item_id": VAL1, "action": "remove"})[0] == 200
        # the clock is before 2030, so this decision is not "since the build" either
        assert get_json(running.port, "/api/queue")[1]["items"][0]["state"] == "conflict"
    finally:
        running.close()


def test_bad_setup_is_refused(tmp_path, paths):
    for name in ("../x", "a/b", "", "..", "with space", "ü"):
        with pytest.raises(ValueError):
            review_server.make_server(reviewer=name, **paths)
    paths["decisions_dir"].mkdir()
    (paths["decisions_dir"] / "carol.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="header"):
        review_server.make_server(reviewer="carol", **paths)
    with pytest.raises(ValueError, match="not found"):
        review_server.make_server(reviewer="dave", **{**paths, "queue_path": tmp_path / "none.json"})


# ---------------------------------------------------------------- scale
def big_queue(n=20_000):
    issues = ["mislabel", "outlier", "blur", "dark", "bright", "near_duplicate", "brand_new_issue"]
    items = []
    for i in range(n):
        items.append(image_item(f"img{i:05d}", f"train/n{i % 1000:08d}/img{i:05d}.JPEG", "train", i % 1000,
                                f"class {i % 1000}", issues[i % len(issues)], i + 1,
                                state="new" if i % 10 else "conflict"))
    return {"dataset": "imagenet1k", "items": items}


def test_paging_20000_items(tmp_path):
    paths = write_fixture(tmp_path, big_queue(), with_images=False)
    running = Running(**paths)
    try:
        port = running.port
        slowest = 0.0
        checks = [
            ("/api/queue?offset=0&limit=50", 20_000, 50),
            ("/api/queue?offset=19990&limit=50", 20_000, 10),
            ("/api/queue?offset=25000&limit=50", 20_000, 0),
            ("/api/queue?issue_type=brand_new_issue", 20_000 // 7 + (20_000 % 7 > 6), 50),
            ("/api/queue?label=7", 20, 20),
            ("/api/queue?state=conflict", 2_000, 50),
            ("/api/queue?state=conflict&issue_type=mislabel&label=0", 3, 3),  # i % 7000 == 0
        ]
        for path, total, count in checks:
            start = time.perf_counter()
            status, q = get_json(port, path)
            slowest = max(slowest, time.perf_counter() - start)
            assert status == 200 and q["total"] == total and len(q["items"]) == count, path
        post(port, {"queue_item_id": "image:img00011", "action": "keep"})
        assert get_json(port, "/api/queue?state=decided")[1]["total"] == 1
        assert get_json(port, "/api/meta")[1]["progress"] == {"decided": 1, "total": 20_000}
        assert slowest < 0.5, f"slowest page took {slowest:.3f}s"
    finally:
        running.close()


# ---------------------------------------------------------------- CLI
def test_cli(tmp_path, paths):
    cmd = [sys.executable, str(ROOT / "scripts" / "review_server.py"), "--reviewer", "erin", "--port", "0",
           "--queue", str(paths["queue_path"]), "--decisions-dir", str(paths["decisions_dir"]),
           "--image-root", str(paths["image_root"])]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Review page: http://127.0.0.1:"), line
        port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
        assert get_json(port, "/api/meta")[1]["reviewer"] == "erin"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = subprocess.run(cmd[:2] + ["--reviewer", "../etc", "--port", "0"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "reviewer" in bad.stderr and "Traceback" not in bad.stderr

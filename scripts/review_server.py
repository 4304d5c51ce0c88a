"""Local review page for the cleaning queue (policy rules R6-R8).

Serves the page in scripts/review_page, the queue built by dbt, the images, and an
append-only decision log per reviewer (<decisions-dir>/<reviewer>.csv) that dbt reads back.
Standard library only, so it runs anywhere the project's Python runs.

    python scripts/review_server.py --reviewer alice [--port 8765]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import mimetypes
import os
import re
import shutil
import sys
import threading
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGE_DIR = Path(__file__).resolve().parent / "review_page"

LOG_HEADER = ["image_id", "cluster_id", "reviewer", "decided_at", "tags", "action", "new_label", "note"]
ACTIONS = ("keep", "remove", "relabel", "defer")
STATES = ("new", "decided", "conflict", "blocked_by_policy")
RELABEL_TAG_PREFIX = "relabel_to_"
REVIEWER_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_BODY = 64 * 1024
MAX_NOTE = 4000
MAX_LIMIT = 200


class BadRequest(Exception):
    """A client error; `field` names the offending request field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _parse_time(value) -> datetime | None:
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def _now_iso() -> str:
    # Milliseconds keep two quick decisions on one image in order when dbt sorts by time.
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ReviewStore:
    """Queue, schema and this reviewer's decisions, all in memory; the CSV log is the truth."""

    def __init__(self, queue_path, decisions_dir, image_root, tag_schema_path, classes_path, reviewer):
        if not REVIEWER_RE.match(reviewer or ""):
            raise ValueError("reviewer name must be 1-64 letters, digits, '_', '-' or '.'")
        if reviewer.strip(".") == "":
            raise ValueError("reviewer name cannot be only dots")
        self.reviewer = reviewer
        self.image_root = Path(image_root).resolve()
        self.log_path = Path(decisions_dir) / f"{reviewer}.csv"
        self.lock = threading.Lock()

        self.tag_schema = _read_csv(Path(tag_schema_path))
        self.tags = {r["tag_name"] for r in self.tag_schema if "{" not in r["tag_name"]}
        self.classes = [
            {"index": int(r["class_index"]), "wnid": r["wnid"], "name": r.get("clean_name") or r.get("synset_names", ""),
             "synonyms": r.get("synset_names", "")}
            for r in _read_csv(Path(classes_path))
        ]
        self.class_by_index = {c["index"]: c for c in self.classes}
        self.class_by_wnid = {c["wnid"]: c for c in self.classes}

        queue_path = Path(queue_path)
        if not queue_path.exists():
            raise ValueError(f"queue file {queue_path} not found (run the dbt build first)")
        with open(queue_path, encoding="utf-8") as f:
            queue = json.load(f)
        self.dataset = queue.get("dataset", "")
        # Decisions older than the build are already in the queue's state; only later ones override it.
        self.built_at = _parse_time(queue["generated_at"]) if queue.get("generated_at") else None
        self.items = sorted(queue.get("items", []), key=lambda i: (i.get("priority_rank") or 0))
        self.by_id = {}
        for item in self.items:
            qid = item.get("queue_item_id")
            if not qid or qid in self.by_id:
                raise ValueError(f"queue item id missing or repeated: {qid!r}")
            item.setdefault("members", [])
            labels = {m.get("label") for m in item["members"]} | {item.get("label")}
            item["_labels"] = {l for l in labels if l is not None}
            self.by_id[qid] = item
        self.issue_types = sorted({i.get("issue_type") for i in self.items if i.get("issue_type")})

        self.mine: dict[str, dict] = {}
        if self.log_path.exists() and self.log_path.stat().st_size:
            with open(self.log_path, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                if reader.fieldnames != LOG_HEADER:
                    raise ValueError(f"{self.log_path} has header {reader.fieldnames}, expected {LOG_HEADER}")
                for row in reader:  # file order: a later row supersedes an earlier one (R8)
                    self.mine[self._key(row)] = dict(row)

    @staticmethod
    def _key(row: dict) -> str:
        return f"image:{row['image_id']}" if row.get("image_id") else f"cluster:{row.get('cluster_id', '')}"

    # --- reading -------------------------------------------------------------------------
    def state_of(self, item: dict) -> str:
        mine = self.mine.get(item["queue_item_id"])
        if mine and (self.built_at is None or (_parse_time(mine["decided_at"]) or self.built_at) > self.built_at):
            return "decided"
        return item.get("state") or "new"

    def public(self, item: dict) -> dict:
        out = {k: v for k, v in item.items() if not k.startswith("_")}
        out["state"] = self.state_of(item)
        out["my_decision"] = self.mine.get(item["queue_item_id"])
        return out

    def progress(self) -> dict:
        decided = sum(1 for i in self.items if i["queue_item_id"] in self.mine or self.state_of(i) == "decided")
        return {"decided": decided, "total": len(self.items)}

    def meta(self) -> dict:
        return {
            "dataset": self.dataset,
            "reviewer": self.reviewer,
            "tag_schema": self.tag_schema,
            "classes": self.classes,
            "issue_types": self.issue_types,
            "states": list(STATES),
            "actions": list(ACTIONS),
            "progress": self.progress(),
        }

    def queue(self, params: dict) -> dict:
        def one(name):
            values = params.get(name) or [""]
            return values[-1].strip()

        def number(name, default, low, high):
            try:
                value = int(one(name) or default)
            except ValueError:
                raise BadRequest(name, "must be an integer") from None
            if not low <= value <= high:
                raise BadRequest(name, f"must be between {low} and {high}")
            return value

        offset = number("offset", 0, 0, 10**9)
        limit = number("limit", 50, 1, MAX_LIMIT)
        issue_type, state, label = one("issue_type"), one("state"), one("label")
        if state and state not in STATES:
            raise BadRequest("state", f"unknown state {state!r}")
        label_index = self.class_index(label, "label") if label else None

        matches = [
            i for i in self.items
            if (not issue_type or i.get("issue_type") == issue_type)
            and (label_index is None or label_index in i["_labels"])
            and (not state or self.state_of(i) == state)
        ]
        return {
            "total": len(matches),
            "offset": offset,
            "limit": limit,
            "items": [self.public(i) for i in matches[offset:offset + limit]],
            "progress": self.progress(),
        }

    def class_index(self, value, field: str) -> int:
        """A class given as index (int or digits) or wnid -> its index."""
        if isinstance(value, bool):
            raise BadRequest(field, "not a class")
        if isinstance(value, int) and value in self.class_by_index:
            return value
        if isinstance(value, str):
            v = value.strip()
            if v in self.class_by_wnid:
                return self.class_by_wnid[v]["index"]
            if v.isdigit() and int(v) in self.class_by_index:
                return int(v)
        raise BadRequest(field, f"{value!r} is not a valid class index or wnid")

    def log_bytes(self) -> bytes:
        with self.lock:
            if self.log_path.exists():
                return self.log_path.read_bytes()
        return (",".join(LOG_HEADER) + "\r\n").encode()

    # --- writing -------------------------------------------------------------------------
    def decide(self, body) -> dict:
        if not isinstance(body, dict):
            raise BadRequest("body", "expected a JSON object")
        qid = body.get("queue_item_id")
        item = self.by_id.get(qid) if isinstance(qid, str) else None
        if item is None:
            raise BadRequest("queue_item_id", f"unknown queue item {qid!r}")
        action = body.get("action")
        if action not in ACTIONS:
            raise BadRequest("action", f"must be one of {', '.join(ACTIONS)}")

        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise BadRequest("tags", "expected a list of strings")
        tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
        tag_classes = set()
        for tag in tags:
            if tag in self.tags:
                continue
            if tag.startswith(RELABEL_TAG_PREFIX):
                tag_classes.add(self.class_index(tag[len(RELABEL_TAG_PREFIX):], "tags"))
                continue
            raise BadRequest("tags", f"unknown tag {tag!r}")

        new_label = body.get("new_label")
        if new_label in (None, ""):
            new_label = None
        if action == "relabel":
            if new_label is None and len(tag_classes) == 1:
                new_label = next(iter(tag_classes))  # the relabel_to_<class> tag names it
            if new_label is None:
                raise BadRequest("new_label", "relabel needs a new_label")
            new_label = self.class_index(new_label, "new_label")
            if tag_classes and tag_classes != {new_label}:
                raise BadRequest("new_label", "disagrees with the relabel_to_ tag")
            # A cluster whose members disagree may be relabelled to one of their classes.
            if item["_labels"] == {new_label}:
                raise BadRequest("new_label", "is the current label")
        elif new_label is not None:
            raise BadRequest("new_label", "only allowed with action relabel")

        note = body.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE or "\x00" in note:
            raise BadRequest("note", f"expected text up to {MAX_NOTE} characters")

        # A cluster row names only the cluster: it applies to every member (R8).
        is_cluster = item.get("item_kind") == "cluster"
        row = {
            "image_id": "" if is_cluster else (item.get("image_id") or ""),
            "cluster_id": (item.get("cluster_id") or "") if is_cluster else "",
            "reviewer": self.reviewer,
            "decided_at": "",
            "tags": ";".join(tags),
            "action": action,
            "new_label": "" if new_label is None else str(new_label),
            "note": note,
        }
        with self.lock:
            row["decided_at"] = _now_iso()
            self._append(row)
            self.mine[qid] = row
        return row

    def _append(self, row: dict) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=LOG_HEADER)
        size = self.log_path.stat().st_size if self.log_path.exists() else 0
        if size == 0:
            writer.writeheader()
        else:
            with open(self.log_path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":  # a hand-edited or torn last line must not swallow this row
                    buf.write("\r\n")
        writer.writerow(row)
        # One write per decision, in append mode: earlier rows are never touched.
        with open(self.log_path, "a", newline="", encoding="utf-8") as f:
            f.write(buf.getvalue())
            f.flush()
            os.fsync(f.fileno())


class Handler(BaseHTTPRequestHandler):
    server_version = "ReviewServer/1"
    store: ReviewStore  # set on the class by make_server

    # --- plumbing ------------------------------------------------------------------------
    def _send(self, status, body: bytes, content_type: str, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        # Even if some data slipped into markup, the browser would run no inline script.
        self.send_header("Content-Security-Policy", "default-src 'self'; img-src 'self'; object-src 'none'")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, obj, status=HTTPStatus.OK):
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", {"Cache-Control": "no-store"})

    def _error(self, status, message, field=None):
        obj = {"error": message}
        if field:
            obj["field"] = field
        self._json(obj, status)

    def _guard(self, fn):
        try:
            # Only local names: a DNS-rebound site cannot talk to the server through the browser.
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            if host not in ("127.0.0.1", "localhost"):
                return self._error(HTTPStatus.FORBIDDEN, "unexpected Host header")
            fn()
        except BadRequest as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e), e.field)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # the client gets no stack trace; the terminal does
            self.log_error("internal error: %r", e)
            try:
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
            except Exception:
                pass

    def log_request(self, code="-", size="-"):
        # A page of thumbnails is dozens of requests: only failures are worth a line.
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)

    def log_message(self, fmt, *args):
        sys.stderr.write("review_server: " + (fmt % args) + "\n")

    # --- routes --------------------------------------------------------------------------
    def do_GET(self):
        self._guard(self._get)

    def do_HEAD(self):
        self._guard(self._get)

    def do_POST(self):
        self._guard(self._post)

    def _get(self):
        url = urlsplit(self.path)
        path = url.path
        if path == "/api/meta":
            return self._json(self.store.meta())
        if path == "/api/queue":
            return self._json(self.store.queue(parse_qs(url.query)))
        if path == "/api/decisions.csv":
            name = f"{self.store.reviewer}.csv"
            return self._send(HTTPStatus.OK, self.store.log_bytes(), "text/csv; charset=utf-8",
                              {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
        if path.startswith("/images/"):
            return self._image(path[len("/images/"):])
        if path.startswith("/api/"):
            return self._error(HTTPStatus.NOT_FOUND, "no such endpoint")
        return self._static("index.html" if path == "/" else path[1:])

    def _post(self):
        if urlsplit(self.path).path != "/api/decisions":
            return self._error(HTTPStatus.NOT_FOUND, "no such endpoint")
        # JSON-only forces a CORS preflight, so another web page cannot post decisions.
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise BadRequest("content-type", "expected application/json")
        origin = self.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.headers.get("Host"):
            return self._error(HTTPStatus.FORBIDDEN, "cross-origin request")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise BadRequest("body", "Content-Length required") from None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {MAX_BODY} bytes", "body")
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadRequest("body", "not valid JSON") from None
        row = self.store.decide(body)
        self._json({"decision": row, "progress": self.store.progress()})

    def _static(self, name: str):
        # Only the page's own files, by exact name: no subfolders, nothing else on disk.
        target = PAGE_DIR / name
        if "/" in name or "\\" in name or name.startswith(".") or not target.is_file():
            return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("javascript"):
            ctype += "; charset=utf-8"
        self._send(HTTPStatus.OK, target.read_bytes(), ctype, {"Cache-Control": "no-cache"})

    def _image(self, raw: str):
        rel = unquote(raw)
        parts = rel.replace("\\", "/").split("/")
        root = self.store.image_root
        target = None
        if rel and "\x00" not in rel and not rel.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]:
            try:
                candidate = (root / rel).resolve(strict=True)
                # resolve() follows symlinks, so a link pointing outside the root is caught here.
                if candidate.is_relative_to(root) and candidate.is_file():
                    target = candidate
            except (OSError, RuntimeError, ValueError):
                target = None
        if target is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        size = target.stat().st_size
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(size))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        if self.command != "HEAD":
            with open(target, "rb") as f:
                shutil.copyfileobj(f, self.wfile)


class ReviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 resets connections when a page loads many thumbnails


def make_server(queue_path, decisions_dir, image_root, tag_schema_path, classes_path, reviewer, port=0):
    """A ready ThreadingHTTPServer on 127.0.0.1 (port 0 = a free one); call serve_forever()."""
    store = ReviewStore(queue_path, decisions_dir, image_root, tag_schema_path, classes_path, reviewer)
    handler = type("BoundHandler", (Handler,), {"store": store})
    server = ReviewHTTPServer(("127.0.0.1", port), handler)
    server.store = store
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    return server


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Human review page for the cleaning queue.",
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--reviewer", required=True, help="your name; becomes <decisions-dir>/<name>.csv")
    # Defaults live in the project; paths given on the command line are relative to the current folder.
    ap.add_argument("--queue", type=Path, default=PROJECT_ROOT / "manifests/imagenet1k_review_queue.json")
    ap.add_argument("--decisions-dir", type=Path, default=PROJECT_ROOT / "reviews")
    ap.add_argument("--image-root", type=Path, default=PROJECT_ROOT / "sample_data/default/images",
                    help="folder that the queue's image_path values are relative to")
    ap.add_argument("--tag-schema", type=Path, default=PROJECT_ROOT / "seeds/tag_schema.csv")
    ap.add_argument("--classes", type=Path, default=PROJECT_ROOT / "seeds/imagenet1k_classes.csv")
    ap.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    args = ap.parse_args(argv)
    try:
        server = make_server(args.queue, args.decisions_dir, args.image_root,
                             args.tag_schema, args.classes, args.reviewer, args.port)
    except (ValueError, OSError, KeyError, json.JSONDecodeError) as e:
        print(f"review_server: {e}", file=sys.stderr)
        return 2
    if not args.image_root.is_dir():
        print(f"review_server: warning: image root {args.image_root} is not a folder; thumbnails will be missing",
              file=sys.stderr)
    print(f"Review page: {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

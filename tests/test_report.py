"""scripts/report.py: the meeting report is one offline HTML file, written atomically, that
shows data from the marts as text only (hostile labels, paths and reviewer names stay
text), embeds thumbnails only from inside the image root and says so when there are none.
The browser check of its figures is tests/test_report_browser.py."""
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from conftest import PROJECT  # noqa: E402
from test_review_server import HOSTILE  # noqa: E402

import report  # noqa: E402

HOSTILE_PATH = '../"><script>alert(2)</script>/x.JPEG'


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = Tags()
    parser.feed(html)
    return parser


def make_report(db, out_dir, *extra):
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "report.py"), "--db", str(db),
                           "--out-dir", str(out_dir), *extra], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_hostile_labels_paths_and_names_stay_text(reviewed_build, small_sample, tmp_path):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(reviewed_build.db_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("update leaked_val_images set class_name = ?", [HOSTILE])
        con.execute("update multi_label_clusters set class_name = ?", [HOSTILE])
        con.execute("update final_removals set reason = ?", [HOSTILE])
        con.execute("update cleaning_summary set description = ?, breakdown = ?", [HOSTILE, HOSTILE])
        con.execute("update reviewer_agreement set reviewer_a = ?", [HOSTILE])
        con.execute("update review_queue set reason = ?, cluster_id = ?", [HOSTILE, HOSTILE])
        con.execute("update review_queue_members set label_name = ?, image_id = ?, image_path = ?",
                    [HOSTILE, HOSTILE, HOSTILE_PATH])
    html = make_report(db, tmp_path / "out", "--image-root", str(small_sample / "images")).read_text()
    page = parse(html)
    assert [t for t, _ in page.tags if t == "script"] == []
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert all(attrs["src"].startswith("data:image/") for t, attrs in page.tags if t == "img")
    text = "".join(page.text)
    assert text.count(HOSTILE) >= 7 and HOSTILE_PATH in text  # shown, as text
    assert "no image" in text  # a path leaving the image root embeds nothing


def test_thumbnails_only_from_inside_the_image_root(small_sample, tmp_path):
    root = small_sample / "images"
    some_image = next(p for p in sorted(root.rglob("*.JPEG")))
    relative = some_image.relative_to(root).as_posix()
    assert report.thumbnail(root, relative).startswith("data:image/png;base64,")
    assert report.thumbnail(None, relative) is None
    assert report.thumbnail(root, "no/such/file.JPEG") is None
    outside = tmp_path / "outside.png"
    outside.write_bytes(some_image.read_bytes())
    assert report.thumbnail(root, f"../../{tmp_path.name}/outside.png") is None
    assert report.thumbnail(root, str(outside)) is None  # absolute path
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "notes.JPEG").write_text("not an image")
    assert report.thumbnail(tmp_path / "root", "notes.JPEG") is None


def test_without_an_image_root_the_gallery_says_so(reviewed_build, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "imagenet1k_report.html").write_text("previous report")
    path = make_report(reviewed_build.db_path, out)
    assert path == out / "imagenet1k_report.html"
    html = path.read_text()
    page = parse(html)
    assert [t for t, _ in page.tags if t == "img"] == []
    assert "No images" in html and "no image" in "".join(page.text)
    clusters = [a for t, a in page.tags if "data-queue-item" in a]
    assert clusters, "the gallery shows clusters even without images"
    # offline: nothing is loaded from anywhere (no src/href other than data: URIs, a strict CSP)
    assert [a for _, a in page.tags if {"src", "href"} & set(a)] == []
    assert "default-src 'none'" in html
    assert sorted(p.name for p in out.iterdir()) == ["imagenet1k_report.html"]  # no temporary left

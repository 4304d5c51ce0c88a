"""The meeting report: one self-contained, offline HTML file drawn from the marts of a built
database (summary figures, removals, leaks and multi-label clusters per class, the mislabel
confidence distribution, review progress and agreement, a gallery of the top clusters).

Python because SQL cannot draw: the numbers all come from the marts, this script only lays
them out as HTML tables and inline SVG. No network, no JavaScript, no external CSS; images
are embedded as data URIs when an image root is given. Every text from the data is
HTML-escaped. The file is written to a temporary name and renamed into place.

    .venv/bin/python scripts/report.py --db target/vl_clean.duckdb --out-dir manifests \
        --image-root sample_data/default/images
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
from html import escape
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
MAX_IMAGE_BYTES = 2 << 20
IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
               (b"GIF8", "image/gif"))
GALLERY_ISSUES = ("train_val_leak", "multi_label")
COLORS = ("#1565c0", "#2e7d32", "#c62828", "#ef6c00", "#6a1b9a", "#00838f", "#8a8a8a")


def text(value) -> str:
    """Any value as escaped HTML text (attributes too: quotes are escaped)."""
    return escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------------------- reading
def rows(connection, sql, params=()):
    cursor = connection.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load(db_path, top_n=10, gallery_n=8):
    """Everything the report shows, read from the marts (read-only)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        releases = rows(con, "select * from cleaning_releases order by released_at desc, release_id desc limit 1")
        release = releases[0] if releases else None
        release_vars = json.loads(release["release_vars"]) if release else {}
        gallery = rows(con, """
            select queue_item_id, cluster_id, issue_type, reason, priority, priority_rank, state
            from review_queue
            where item_kind = 'cluster' and issue_type in (select unnest(?::varchar[]))
            order by priority_rank, queue_item_id
            limit ?""", [list(GALLERY_ISSUES), gallery_n])
        members = rows(con, """
            select queue_item_id, image_id, image_path, split, label, label_name
            from review_queue_members
            where queue_item_id in (select unnest(?::varchar[]))
            order by queue_item_id, member_order""", [[g["queue_item_id"] for g in gallery]])
        for item in gallery:
            item["members"] = [m for m in members if m["queue_item_id"] == item["queue_item_id"]]
        return {
            "release": release,
            "dataset": release_vars.get("dataset_name", "dataset"),
            "clear_mislabel_confidence": float(release_vars.get("clear_mislabel_confidence", 0.9)),
            "summary": rows(con, "select metric, breakdown, figure_value, description "
                                 "from cleaning_summary order by sort_order"),
            "removals": rows(con, "select reason, coalesce(split, 'unknown') as split, count(*) as n "
                                  "from final_removals group by all order by n desc, reason, split"),
            "leaks_per_class": rows(con, """
                select coalesce(class_name, '(unlabelled)') as class_name, count(*) as n
                from leaked_val_images group by all order by n desc, class_name limit ?""", [top_n]),
            "multi_label_per_class": rows(con, """
                select coalesce(class_name, '(unlabelled)') as class_name, count(distinct cluster_id) as n
                from multi_label_clusters group by all order by n desc, class_name limit ?""", [top_n]),
            "mislabel_confidences": [r["confidence"] for r in rows(con, """
                select confidence from findings
                where issue_type = 'mislabel' and confidence is not null order by confidence""")],
            "queue_states": rows(con, "select state, count(*) as n from review_queue "
                                      "group by all order by n desc, state"),
            "agreement": rows(con, """
                select reviewer_a, reviewer_b, measure, images_in_common,
                    cast(percent_agreement as double) as percent_agreement,
                    cast(cohens_kappa as double) as cohens_kappa
                from reviewer_agreement order by reviewer_a, reviewer_b, measure = 'action' desc, measure"""),
            "changes": rows(con, "select item, change, bool_or(is_first_release) as is_first_release, "
                                 "count(*) as n from release_changes group by all order by item desc, change"),
            "gallery": gallery,
        }


def thumbnail(image_root, image_path):
    """A data URI of the image under image_root, or None (no root, missing, unsafe or not an image)."""
    if image_root is None or not image_path:
        return None
    root = Path(image_root).resolve()
    try:
        candidate = (root / image_path).resolve(strict=True)
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        if candidate.stat().st_size > MAX_IMAGE_BYTES:
            return None
        data = candidate.read_bytes()
    except (OSError, RuntimeError, ValueError):
        return None
    for magic, mime in IMAGE_TYPES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return None


# ---------------------------------------------------------------------------- drawing
def bar_chart(plot_id, bars, unit=""):
    """Horizontal bars: [(label, value)] -> inline SVG, one row per bar, values written out."""
    if not bars:
        return f'<p class="empty" data-plot="{text(plot_id)}">nothing to show</p>'
    row_h, label_w, bar_w = 22, 260, 360
    top = max(value for _, value in bars) or 1
    height = row_h * len(bars) + 6
    parts = [f'<svg data-plot="{text(plot_id)}" role="img" width="{label_w + bar_w + 80}" '
             f'height="{height}" viewBox="0 0 {label_w + bar_w + 80} {height}" '
             'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(bars):
        y = 3 + i * row_h
        width = max(1.0, bar_w * value / top)
        parts.append(
            f'<g class="bar" data-label="{text(label)}" data-value="{text(value)}">'
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{text(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="{row_h - 6}" '
            f'fill="{COLORS[0]}"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{y + 15}">{text(value)}{text(unit)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(plot_id, values, threshold, bins=20):
    """Counts of values in [0, 1] per bin, with a vertical line at the threshold."""
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, max(0, int(float(value) * bins)))] += 1
    width, height, left, bottom = 620, 220, 40, 30
    plot_w, plot_h = width - left - 10, height - bottom - 10
    top = max(counts) or 1
    step = plot_w / bins
    parts = [f'<svg data-plot="{text(plot_id)}" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" y1="{10 + plot_h}" x2="{left + plot_w}" y2="{10 + plot_h}" stroke="#333"/>']
    for i, count in enumerate(counts):
        bar_h = plot_h * count / top
        above = (i + 1) / bins > threshold
        parts.append(
            f'<rect class="bin" data-from="{i / bins:.2f}" data-count="{count}" '
            f'x="{left + i * step + 1:.1f}" y="{10 + plot_h - bar_h:.1f}" width="{step - 2:.1f}" '
            f'height="{bar_h:.1f}" fill="{COLORS[2] if above else COLORS[0]}"/>')
    for tick in range(0, 11, 2):
        x = left + plot_w * tick / 10
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{tick / 10:.1f}</text>')
    parts.append(f'<text x="{left - 6}" y="18" text-anchor="end">{top}</text>')
    x = left + plot_w * threshold
    parts.append(
        f'<line class="threshold" data-threshold="{text(threshold)}" x1="{x:.1f}" y1="6" '
        f'x2="{x:.1f}" y2="{10 + plot_h}" stroke="{COLORS[3]}" stroke-width="2" stroke-dasharray="5,3"/>'
        f'<text x="{x - 4:.1f}" y="20" text-anchor="end" fill="{COLORS[3]}">'
        f'clear mislabel &gt; {text(threshold)}</text></svg>')
    return "".join(parts)


def stacked_bar(plot_id, parts_in):
    """One horizontal bar split into [(label, value)] segments, with a legend."""
    total = sum(value for _, value in parts_in)
    if not total:
        return f'<p class="empty" data-plot="{text(plot_id)}">nothing to show</p>'
    width, bar_h = 620, 28
    legend_rows = len(parts_in)
    height = bar_h + 10 + 20 * legend_rows
    parts = [f'<svg data-plot="{text(plot_id)}" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    x = 0.0
    for i, (label, value) in enumerate(parts_in):
        w = width * value / total
        color = COLORS[i % len(COLORS)]
        parts.append(f'<rect class="segment" data-label="{text(label)}" data-value="{text(value)}" '
                     f'x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
        y = bar_h + 22 + 20 * i
        parts.append(f'<rect x="0" y="{y - 11}" width="12" height="12" fill="{color}"/>'
                     f'<text x="18" y="{y}">{text(label)}: {text(value)}</text>')
        x += w
    parts.append("</svg>")
    return "".join(parts)


def table(table_id, header, body_rows, row_attributes=None):
    head = "".join(f"<th>{text(h)}</th>" for h in header)
    lines = []
    for i, row in enumerate(body_rows):
        attributes = row_attributes[i] if row_attributes else ""
        lines.append(f"<tr{attributes}>" + "".join(f"<td>{text(c)}</td>" for c in row) + "</tr>")
    return f'<table id="{text(table_id)}"><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'


def gallery_html(items, image_root):
    if not items:
        return '<p class="empty">no leak or multi-label clusters in the review queue</p>'
    note = ("" if image_root is not None else
            '<p class="no-images">No images: thumbnails are embedded only when the report is '
            'made with --image-root.</p>')
    cards = []
    for item in items:
        members = []
        for member in item["members"]:
            uri = thumbnail(image_root, member["image_path"])
            picture = (f'<img alt="{text(member["image_id"])}" src="{text(uri)}" width="96" height="96">'
                       if uri else '<div class="placeholder">no image</div>')
            members.append(
                f'<figure class="member">{picture}<figcaption>{text(member["image_id"])}<br>'
                f'{text(member["split"])} · {text(member["label_name"])}<br>'
                f'<span class="path">{text(member["image_path"])}</span></figcaption></figure>')
        cards.append(
            f'<div class="cluster" data-queue-item="{text(item["queue_item_id"])}">'
            f'<h3>#{text(item["priority_rank"])} {text(item["issue_type"])} '
            f'<code>{text(item["cluster_id"])}</code> ({text(item["priority"])}, {text(item["state"])})</h3>'
            f'<p>{text(item["reason"])}</p><div class="members">{"".join(members)}</div></div>')
    return note + "".join(cards)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0.2em; } section { margin: 2em 0; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; }
th { background: #f1f1f1; text-align: left; } #summary td:nth-child(3) { text-align: right; }
svg text { font-size: 12px; fill: #222; } .meta { color: #555; }
.cluster { border: 1px solid #ddd; padding: 0.5em 1em; margin: 1em 0; }
.members { display: flex; flex-wrap: wrap; gap: 12px; }
figure.member { margin: 0; width: 150px; font-size: 12px; }
.placeholder { width: 96px; height: 96px; background: #eee; color: #777; display: flex;
  align-items: center; justify-content: center; font-size: 12px; border: 1px dashed #aaa; }
.path { color: #777; word-break: break-all; } .no-images { background: #fff3e0; padding: 0.5em; }
img { image-rendering: pixelated; border: 1px solid #ccc; }
"""


def render(data, image_root=None):
    """The whole report as one HTML string."""
    dataset = data["dataset"]
    release = data["release"]
    threshold = data["clear_mislabel_confidence"]
    summary = table(
        "summary", ["figure", "breakdown", "value", "what it counts"],
        [(r["metric"], r["breakdown"], r["figure_value"], r["description"]) for r in data["summary"]],
        [f' data-metric="{text(r["metric"])}" data-breakdown="{text(r["breakdown"])}" '
         f'data-value="{text(r["figure_value"])}"' for r in data["summary"]])
    release_line = (
        f'Release <code id="release-id">{text(release["release_id"])}</code> built '
        f'{text(release["released_at"])} UTC' if release else "No release recorded")
    confidences = data["mislabel_confidences"]
    clear = sum(1 for c in confidences if c > threshold)
    states = data["queue_states"]
    total = sum(s["n"] for s in states)
    decided = sum(s["n"] for s in states if s["state"] == "decided")
    action_agreement = [r for r in data["agreement"] if r["measure"] == "action"]
    sections = [
        ("summary-stats", "Summary", summary),
        ("removals", "Removals by reason and split (final removal list)",
         bar_chart("removals", [(f'{r["reason"]} / {r["split"]}', r["n"]) for r in data["removals"]])),
        ("leaks-per-class", "Leaked val images per class (top classes)",
         bar_chart("leaks-per-class", [(r["class_name"], r["n"]) for r in data["leaks_per_class"]])),
        ("multi-label-per-class", "Multi-label clusters per class (top classes)",
         bar_chart("multi-label-per-class",
                   [(r["class_name"], r["n"]) for r in data["multi_label_per_class"]])),
        ("mislabel-confidence", "Confidence of VL mislabel findings",
         f"<p>{len(confidences)} findings; {clear} above the clear-mislabel threshold "
         f"{text(threshold)} (var clear_mislabel_confidence).</p>"
         + histogram("mislabel-confidence", confidences, threshold)),
        ("review-progress", "Review progress",
         f'<p id="review-progress-text">{decided} / {total} queue items decided</p>'
         + stacked_bar("review-progress", [(s["state"], s["n"]) for s in states])),
        ("reviewer-agreement", "Reviewer agreement",
         bar_chart("reviewer-agreement",
                   [(f'{r["reviewer_a"]} vs {r["reviewer_b"]}: Cohen\'s kappa', round(r["cohens_kappa"] or 0, 3))
                    for r in action_agreement])
         + table("agreement", ["reviewer a", "reviewer b", "measure", "images in common",
                               "% agreement", "Cohen's kappa"],
                 [(r["reviewer_a"], r["reviewer_b"], r["measure"], r["images_in_common"],
                   r["percent_agreement"], r["cohens_kappa"]) for r in data["agreement"]])),
        ("release-changes", "Changes since the release before",
         ("<p>First release: there is nothing to compare with, everything is added.</p>"
          if any(r["is_first_release"] for r in data["changes"]) else
          "" if data["changes"] else "<p>Nothing changed since the release before.</p>")
         + table("changes", ["item", "change", "images"],
                 [(r["item"], r["change"], r["n"]) for r in data["changes"]])),
        ("gallery", "Highest-priority leak and multi-label clusters (review queue order)",
         gallery_html(data["gallery"], image_root)),
    ]
    body = "".join(f'<section id="{sid}"><h2>{text(title)}</h2>{content}</section>'
                   for sid, title, content in sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>Cleaning report: {text(dataset)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Cleaning report: {text(dataset)}</h1><p class=\"meta\">{release_line}</p>"
        f"{body}</body></html>\n")


def write_atomically(path, write):
    """write(binary handle) fills a temporary file next to path, renamed into place when done:
    a reader never sees half a file, and a failure leaves the previous file as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; a report is shared
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        default=Path(os.environ.get("VL_CLEAN_DB", PROJECT / "target" / "vl_clean.duckdb")))
    parser.add_argument("--out-dir", type=Path, default=PROJECT / "manifests",
                        help="the deliverables folder (dbt var deliverables_dir)")
    parser.add_argument("--image-root", type=Path, default=None,
                        help="folder laid out like the dataset paths; thumbnails are embedded from it")
    parser.add_argument("--top", type=int, default=10, help="classes shown per class plot")
    parser.add_argument("--gallery", type=int, default=8, help="clusters shown in the gallery")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"--db {args.db}: no such database (run dbt build first)")
    if args.image_root is not None and not args.image_root.is_dir():
        print(f"report: image root {args.image_root} is not a folder; no thumbnails", file=sys.stderr)
        args.image_root = None
    data = load(args.db, args.top, args.gallery)
    html = render(data, args.image_root).encode("utf-8")
    out = write_atomically(args.out_dir / f"{data['dataset']}_report.html", lambda h: h.write(html))
    print(out)
    return out


if __name__ == "__main__":
    main()

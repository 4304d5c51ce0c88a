"""One zip of a cleaning release for handing to the team: the release's deliverables, the
meeting report and the static docs site, plus `release.json` (the release's row of
cleaning_releases: id, time, input hashes, vars, headline counts).

Python because SQL cannot write a zip. The deliverables are the files the `deliverables`
model of the same database wrote: each is checked against the size and SHA-256 it recorded,
so the archive never mixes files of two builds. Members are in a fixed order (release.json,
then deliverables/ sorted by name, report/, docs/) with a fixed time stamp, so the same
files give the same archive bytes. Written as `<dataset>_release.zip` next to the
deliverables, atomically.

    .venv/bin/python scripts/release_archive.py --db target/vl_clean.duckdb --out-dir manifests
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import PROJECT, write_atomically  # noqa: E402

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """A missing or changed input file: printed as `error: ...`, exit code 2, nothing written."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_and_deliverables(db_path):
    with duckdb.connect(str(db_path), read_only=True) as con:
        cursor = con.execute(
            "select * from cleaning_releases order by released_at desc, release_id desc limit 1")
        names = [d[0] for d in cursor.description]
        row = cursor.fetchone()
        if row is None:
            raise ArchiveError(f"{db_path}: no release in cleaning_releases (run dbt build first)")
        release = dict(zip(names, row))
        files = con.execute("select file_name, size_bytes, sha256 from deliverables order by file_name").fetchall()
    release["release_vars"] = json.loads(release["release_vars"])
    release["released_at"] = str(release["released_at"])
    return release, files


def members(db_path, out_dir, docs_path):
    """[(name in the archive, file on disk or bytes)] in archive order."""
    release, files = release_and_deliverables(db_path)
    dataset = release["release_vars"]["dataset_name"]
    listed = [("release.json", (json.dumps(release, indent=2, sort_keys=True, default=str) + "\n").encode())]
    for file_name, size, sha256 in files:
        path = Path(out_dir) / file_name
        if not path.is_file():
            raise ArchiveError(f"deliverable {path} of release {release['release_id']} is missing")
        if path.stat().st_size != size or sha256_of(path) != sha256:
            raise ArchiveError(f"deliverable {path} is not the one release {release['release_id']} "
                               "wrote (size or SHA-256 differ): rebuild before archiving")
        listed.append((f"deliverables/{file_name}", path))
    report = Path(out_dir) / f"{dataset}_report.html"
    for name, path in ((f"report/{report.name}", report), ("docs/static_index.html", Path(docs_path))):
        if not path.is_file():
            raise ArchiveError(f"{path} is missing (scripts/report.py writes the report, "
                               "`dbt docs generate --static` the docs site)")
        listed.append((name, path))
    return dataset, listed


def write_zip(handle, listed):
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in listed:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(content, bytes):
                archive.writestr(info, content)
            else:
                with open(content, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        target.write(block)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        default=Path(os.environ.get("VL_CLEAN_DB", PROJECT / "target" / "vl_clean.duckdb")))
    parser.add_argument("--out-dir", type=Path, default=PROJECT / "manifests",
                        help="the deliverables folder (dbt var deliverables_dir); the zip is written there")
    parser.add_argument("--docs", type=Path, default=PROJECT / "target" / "static_index.html",
                        help="the static docs site from `dbt docs generate --static`")
    args = parser.parse_args(argv)
    try:
        if not args.db.is_file():
            raise ArchiveError(f"--db {args.db}: no such database (run dbt build first)")
        dataset, listed = members(args.db, args.out_dir, args.docs)
    except ArchiveError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    out = write_atomically(args.out_dir / f"{dataset}_release.zip", lambda h: write_zip(h, listed))
    print(out)
    return out


if __name__ == "__main__":
    main()

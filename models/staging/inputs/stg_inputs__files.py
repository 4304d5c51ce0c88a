"""Inventory of the concrete input files: one row per file that staging will read.

Python because SQL cannot list folders, unzip a VL export or hash files. A missing or
empty input stops the build here with a message naming the var and the path.
"""
import hashlib
import json
import os
import zipfile

EXTENSIONS = {
    "vl_export": (".json",),
    "manifest": (".csv", ".parquet"),
    "team_clusters": (".json",),
    "decisions": (".csv",),
    "findings": (".csv",),
    "fastdup_work": (".csv", ".parquet"),
    "vl_issue_list": (".csv",),
}
# At least one of these must be given: the image findings come from them.
FINDING_SOURCES = ("vl_export", "fastdup_work", "vl_issue_list")
# Inputs whose files are told apart by name: (kind given to the file, test on its lower-case
# name). First match wins; files that match none are not read (fastdup writes many others).
# A fastdup folder is read at its top level only: a subfolder such as full_image_run/ is
# another run, whose integer ids index its own atrain_features.dat.csv.
ROLES = {
    "fastdup_work": (
        ("fastdup_features", lambda n: n.endswith(("features.dat.csv", "features.dat.parquet"))),
        ("fastdup_bad", lambda n: n.endswith(("features.bad.csv", "features.bad.parquet"))),
        ("fastdup_stats", lambda n: n.endswith(("_stats.csv", "_stats.parquet"))
         or n in ("stats.csv", "stats.parquet")),
        ("fastdup_similarity", lambda n: n.startswith("similarity")),
        ("fastdup_outliers", lambda n: n.startswith("outliers")),
        ("fastdup_components", lambda n: n.startswith("connected_components")),
        ("fastdup_component_info", lambda n: n.startswith(("component_info", "components_info"))),
    ),
    "vl_issue_list": (
        ("vl_issue_counts", lambda n: "issue_count" in n),
        ("vl_issue_list", lambda n: True),
    ),
}
# No decision log yet is normal before anyone reviewed: the review page creates the folder.
OPTIONAL_WHEN_MISSING = {"decisions"}
COLUMNS = (
    "input_kind varchar, file_path varchar, display_path varchar, container_path varchar, "
    "size_bytes bigint, sha256 varchar"
)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative(path, project_dir):
    return os.path.relpath(path, project_dir) if path.startswith(project_dir + os.sep) else path


def unzip(zip_path, unzip_dir, extensions):
    """Extract the wanted members once per archive content; refuse paths leaving the folder."""
    target = os.path.join(unzip_dir, sha256_of(zip_path)[:16])
    if not os.path.isdir(target):
        partial = target + ".partial"
        with zipfile.ZipFile(zip_path) as archive:
            for member in archive.namelist():
                name = os.path.normpath(member)
                if name.startswith(("..", os.sep)) or not name.lower().endswith(extensions):
                    continue
                archive.extract(member, partial)
        os.makedirs(unzip_dir, exist_ok=True)
        os.replace(partial, target)
    found = []
    for root, _, names in os.walk(target):
        found += [os.path.join(root, n) for n in names if n.lower().endswith(extensions)]
    return found


def files_of(input_kind, var_name, path, unzip_dir):
    extensions = EXTENSIONS[input_kind]
    if not os.path.exists(path):
        raise FileNotFoundError(f"{var_name} = {path!r}: no such file or folder")
    if os.path.isdir(path):
        candidates = []
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            candidates += [os.path.join(root, n) for n in names if not n.startswith(".")]
    else:
        candidates = [path]
    listed = []
    for candidate in sorted(candidates):
        if candidate.lower().endswith(".zip"):
            listed += [(f, candidate) for f in unzip(candidate, unzip_dir, extensions)]
        elif candidate.lower().endswith(extensions):
            listed.append((candidate, None))
    if not listed and input_kind in OPTIONAL_WHEN_MISSING:
        return []
    if not listed:
        raise ValueError(
            f"{var_name} = {path!r}: no {' or '.join(extensions)} files found there"
        )
    for file_path, container in listed:
        if os.path.getsize(file_path) == 0:
            raise ValueError(f"{var_name}: input file {file_path!r} is empty")
    return listed


def where_vl_export_is_wrong(path, shown):
    """Names the first record and field that keep a VL export file from being read."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except UnicodeDecodeError as error:
        return f"{shown}: not UTF-8 text ({error.reason} at byte {error.start})"
    except json.JSONDecodeError as error:
        return (f"{shown}: malformed or truncated JSON at line {error.lineno} column "
                f"{error.colno} (byte {error.pos}): {error.msg}")
    if not isinstance(document, dict):
        return (f"{shown}: top level is a JSON {type(document).__name__}; a VL export is an "
                "object with info and a media_items list")
    items = document.get("media_items")
    if not isinstance(items, list):
        return f"{shown}: field media_items must be a list, found {type(items).__name__}"
    for i, item in enumerate(items):
        record = f"media_items[{i}]"
        if not isinstance(item, dict):
            return f"{shown}: record {record} must be an object, found {type(item).__name__}"
        for field, value in item.items():
            if field in ("media_id", "file_path", "metadata_items"):
                continue
            if isinstance(value, (dict, list)):
                return (f"{shown}: record {record}, field {field} must be a single value, "
                        f"found {type(value).__name__}")
        entries = item.get("metadata_items")
        if entries is None:
            continue
        if not isinstance(entries, list):
            return (f"{shown}: record {record}, field metadata_items must be a list, "
                    f"found {type(entries).__name__}")
        for j, entry in enumerate(entries):
            where = f"{record}.metadata_items[{j}]"
            if not isinstance(entry, dict):
                return f"{shown}: record {where} must be an object, found {type(entry).__name__}"
            if not isinstance(entry.get("properties", {}), (dict, type(None))):
                return f"{shown}: record {where}, field properties must be an object"
            if isinstance(entry.get("type"), (dict, list)):
                return f"{shown}: record {where}, field type must be a string"
    return None


def probe_vl_export(session, path, shown, columns, max_bytes):
    """Reads the file the way staging will; on failure explains where, then stops."""
    try:
        session.sql(
            # len() makes DuckDB transform the whole nested list, not only count rows.
            f"select sum(len(media_items)) from read_json('{path}', format = 'auto', "
            f"columns = {columns}, maximum_object_size = {max_bytes})"
        ).fetchall()
    except Exception as error:  # DuckDB's own message names the file but not the record
        reason = where_vl_export_is_wrong(path, shown) or f"{shown}: {error}"
        raise ValueError(f"Bad input in the VL export: {reason}") from None


def role_of(kind, file_path, folder):
    """The kind a file of a folder input is read as (None: not read), from its name."""
    if kind not in ROLES:
        return kind
    if kind == "fastdup_work" and os.path.isdir(folder) and \
            os.path.dirname(os.path.abspath(file_path)) != os.path.abspath(folder):
        return None
    name = os.path.basename(file_path).lower()
    return next((role for role, matches in ROLES[kind] if matches(name)), None)


def model(dbt, session):
    dbt.config(materialized="table")
    rows = []
    locations = dbt.ref("stg_inputs__locations").fetchall()
    if not any(row[2] for row in locations if row[0] in FINDING_SOURCES):
        raise ValueError(
            "vl_export_path is not set: it must name the VL export "
            "(or set fastdup_work_dir or vl_issue_list_path)"
        )
    for kind, var_name, configured, resolved, unzip_dir, project_dir, columns, max_bytes in locations:
        if not configured:
            continue
        if kind in OPTIONAL_WHEN_MISSING and not os.path.exists(resolved):
            continue
        listed = files_of(kind, var_name, resolved, unzip_dir)
        roles = [role_of(kind, file_path, resolved) for file_path, _ in listed]
        if kind == "fastdup_work" and not any(roles):
            raise ValueError(
                f"{var_name} = {configured!r}: no fastdup output found there (similarity.csv, "
                "connected_components.csv, outliers.csv, atrain_features.dat.csv, "
                "atrain_features.bad.csv or atrain_stats.csv)"
            )
        for (file_path, container), role in zip(listed, roles):
            if role is None:
                continue
            shown = relative(file_path, project_dir)
            if kind == "vl_export":
                probe_vl_export(session, file_path.replace("'", "''"), shown, columns, max_bytes)
            rows.append((
                role,
                file_path,
                shown,
                relative(container, project_dir) if container else None,
                os.path.getsize(file_path),
                sha256_of(file_path),
            ))
    session.execute(f"create or replace temp table stg_inputs__files_rows ({COLUMNS})")
    if rows:
        session.executemany("insert into stg_inputs__files_rows values (?, ?, ?, ?, ?, ?)", rows)
    return session.sql("select * from stg_inputs__files_rows order by input_kind, file_path")

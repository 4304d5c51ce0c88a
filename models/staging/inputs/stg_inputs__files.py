"""Inventory of the concrete input files: one row per file that staging will read.

Python because SQL cannot list folders, unzip a VL export, hash files, say where a file
stops being UTF-8 or valid JSON, or parse the Python-repr `metadata_items` of a CSV flattened
with pandas (converted once into JSON under target/converted; the input is never modified).
A missing or empty input, a ZIP member that would land outside its folder, a JSON file above
var json_max_file_mb, a CSV that is not UTF-8, an export file that cannot be read, a VL
export without a single media item or a team clusters file of the wrong shape stops the
build here with a message naming the var, the file, the record and the field.
"""
import ast
import codecs
import csv
import hashlib
import json
import os
import zipfile

# Var vl_export_format: which files of the export location are read.
VL_FORMATS = {
    "auto": (".json", ".parquet", ".csv"),
    "json": (".json",),
    "parquet": (".parquet",),
    "csv": (".csv",),
}
EXTENSIONS = {
    "vl_export": VL_FORMATS["auto"],
    "manifest": (".csv", ".parquet"),
    "team_clusters": (".json",),
    "decisions": (".csv",),
    "findings": (".csv",),
    "team_leaks": (".csv",),
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
    "input_kind varchar, file_path varchar, source_path varchar, display_path varchar, "
    "container_path varchar, size_bytes bigint, sha256 varchar"
)


def sha256_of(path, check_utf8=False):
    """The file's SHA-256; with check_utf8, stops on the first byte that is not UTF-8."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if check_utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as error:
                    line = lines + block[:error.start].count(b"\n")
                    raise ValueError(
                        f"{path}: not UTF-8 text at line {line} (byte {offset + error.start}: "
                        f"0x{block[error.start]:02x}, {error.reason}); save the file as UTF-8"
                    ) from None
                lines += block.count(b"\n")
                offset += len(block)
    if check_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not UTF-8 text: the file ends inside a character") from None
    return digest.hexdigest()


def relative(path, project_dir):
    return os.path.relpath(path, project_dir) if path.startswith(project_dir + os.sep) else path


def unzip(zip_path, unzip_dir, extensions):
    """Extract the wanted members once per archive content; an archive with a member whose
    path leaves the folder (../, absolute, a drive) is refused as a whole."""
    kinds = "".join(sorted(extensions)).replace(".", "-")
    target = os.path.join(unzip_dir, sha256_of(zip_path)[:16] + kinds)
    if not os.path.isdir(target):
        partial = target + ".partial"
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.namelist()
            for member in members:  # all checked before anything is written
                name = os.path.normpath(member)
                if name.startswith(("..", os.sep, "/")) or name[1:2] == ":":
                    raise ValueError(
                        f"{zip_path}: archive member {member!r} would be written outside the "
                        "unpack folder; the archive is refused"
                    )
            for member in members:
                if os.path.normpath(member).lower().endswith(extensions):
                    archive.extract(member, partial)
        os.makedirs(unzip_dir, exist_ok=True)
        os.replace(partial, target)
    found = []
    for root, _, names in os.walk(target):
        found += [os.path.join(root, n) for n in names if n.lower().endswith(extensions)]
    return found


def files_of(input_kind, var_name, path, unzip_dir, extensions):
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
    return listed


def read_json_document(path, shown):
    """The file's JSON value and None, or None and why it is not JSON (line, column, byte)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle), None
    except UnicodeDecodeError as error:
        return None, f"{shown}: not UTF-8 text ({error.reason} at byte {error.start})"
    except json.JSONDecodeError as error:
        return None, (f"{shown}: malformed or truncated JSON at line {error.lineno} column "
                      f"{error.colno} (byte {error.pos}): {error.msg}")


def where_vl_export_is_wrong(path, shown):
    """Names the first record and field that keep a VL export file from being read."""
    document, reason = read_json_document(path, shown)
    if reason:
        return reason
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
    """Reads the file the way staging will; on failure explains where, then stops.
    Returns the number of media items in the file."""
    try:
        documents, with_items, count = session.sql(
            # len() makes DuckDB transform the whole nested list, not only count rows.
            f"select count(*), count(media_items), sum(len(media_items)) from read_json("
            f"'{path}', format = 'auto', columns = {columns}, maximum_object_size = {max_bytes})"
        ).fetchone()
        if documents != 1 or with_items != 1:  # a top-level list reads as many rows
            raise ValueError(f"{shown}: not one object with info and media_items")
    except Exception as error:  # DuckDB's own message names the file but not the record
        reason = where_vl_export_is_wrong(path, shown) or f"{shown}: {error}"
        raise ValueError(f"Bad input in the VL export: {reason}") from None
    return count or 0


def where_team_clusters_is_wrong(path, shown):
    """Names the record and field that keep the team's clusters file from being read
    (DuckDB would read a wrong shape as no clusters at all, silently)."""
    document, reason = read_json_document(path, shown)
    if reason:
        return reason
    if isinstance(document, dict):
        key = next((k for k in ("clusters", "duplicates") if k in document), None)
        if key is None:
            return (f"{shown}: top level has no clusters (or duplicates) field; found "
                    f"{sorted(document)[:5]}")
        clusters, where = document[key], key
    else:
        clusters, where = document, "top level"
    if not isinstance(clusters, list):
        return f"{shown}: field {where} must be a list, found {type(clusters).__name__}"
    for i, cluster in enumerate(clusters):
        record = f"clusters[{i}]"
        if not isinstance(cluster, dict):
            return f"{shown}: record {record} must be an object, found {type(cluster).__name__}"
        images = cluster.get("images", cluster.get("members"))
        if not isinstance(images, list):
            return (f"{shown}: record {record}, field images (or members) must be a list, "
                    f"found {type(images).__name__}")
        for j, image in enumerate(images):
            where = f"{record}.images[{j}]"
            if not isinstance(image, dict):
                return f"{shown}: record {where} must be an object, found {type(image).__name__}"
            keys = ("id", "image_id", "path", "image_path", "filename")
            if not any(isinstance(image.get(k), (str, int)) and str(image.get(k)).strip()
                       for k in keys):
                return (f"{shown}: record {where}, field id (or path): the image has no id "
                        "or path, so it cannot be matched to the dataset")
    return None


def check_file(session, kind, var_name, file_path, shown, columns, max_bytes):
    """Every check of one input file; returns its size, SHA-256 and media item count."""
    size = os.path.getsize(file_path)
    if size == 0:
        raise ValueError(f"{var_name}: input file {file_path!r} is empty")
    if file_path.lower().endswith(".json") and size > max_bytes:
        raise ValueError(
            f"{var_name}: input file {shown!r} is {size / 1048576:.1f} MB, above var "
            f"json_max_file_mb = {max_bytes // 1048576} MB (DuckDB buffers twice that "
            "per thread); raise the var or export smaller chunks"
        )
    media_items = 0
    if kind == "vl_export" and file_path.lower().endswith(".json"):
        media_items = probe_vl_export(session, file_path.replace("'", "''"), shown, columns,
                                      max_bytes)
    if kind == "team_clusters":
        reason = where_team_clusters_is_wrong(file_path, shown)
        if reason:
            raise ValueError(f"Bad input in the team clusters file: {reason}")
    try:
        sha256 = sha256_of(file_path, check_utf8=file_path.lower().endswith(".csv"))
    except ValueError as error:
        raise ValueError(f"{var_name}: {str(error).replace(file_path, repr(shown), 1)}") from None
    return size, sha256, media_items


def probe_vl_parquet(session, path, shown):
    """A Parquet export must be readable, and a metadata_items or issues column held as
    text must be JSON on every row (staging parses it)."""
    try:
        described = session.sql(f"describe select * from read_parquet('{path}')").fetchall()
    except Exception as error:
        raise ValueError(f"Bad input in the VL export: {shown}: not a readable Parquet file: "
                         f"{error}") from None
    for name, column_type, *_ in described:
        if name.lower() in ("metadata_items", "issues", "image_issues") and column_type == "VARCHAR":
            bad = session.sql(
                f'select file_row_number + 1, "{name}" from read_parquet(\'{path}\', '
                f'file_row_number = true) where not json_valid("{name}") '
                "order by file_row_number limit 1").fetchall()
            if bad:
                row, value = bad[0]
                raise ValueError(
                    f"Bad input in the VL export: {shown}: row {row}, field {name} is not "
                    f"valid JSON: {str(value)[:80]!r}")
    return session.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]


def repr_to_json(text):
    """A metadata_items cell as JSON: already JSON, or a Python literal (pandas wrote the
    list with str(): single quotes, True/False/None)."""
    if text.strip() == "":
        return text
    try:
        json.loads(text)
        return text
    except ValueError:
        pass
    value = ast.literal_eval(text)
    if not isinstance(value, list):
        raise ValueError(f"a {type(value).__name__}, not a list")
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def convert_repr_csv(path, shown, converted_dir):
    """A CSV with a metadata_items column (pd.json_normalize(media_items).to_csv()) gets a
    JSON copy under target/converted, read instead of it; other CSVs are read as they are.
    Returns the path to read and the number of data rows."""
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        lowered = [name.strip().lower() for name in header]
        if "metadata_items" not in lowered:
            return path, sum(1 for _ in reader)
        column = lowered.index("metadata_items")
        rows = [header]
        for number, row in enumerate(reader, start=1):
            if column < len(row):
                try:
                    row[column] = repr_to_json(row[column])
                except (ValueError, SyntaxError, MemoryError, RecursionError) as error:
                    raise ValueError(
                        f"Bad input in the VL export: {shown}: row {number}, column "
                        f"metadata_items is neither JSON nor a Python list literal: "
                        f"{type(error).__name__}: {error}; value {row[column][:80]!r}") from None
            rows.append(row)
    target = os.path.join(converted_dir, sha256_of(path)[:16], os.path.basename(path))
    if not os.path.isfile(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        partial = target + ".partial"
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        os.replace(partial, target)
    return target, len(rows) - 1


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
    rows, problems = [], []
    locations = dbt.ref("stg_inputs__locations").fetchall()
    if not any(row[2] for row in locations if row[0] in FINDING_SOURCES):
        problems.append("vl_export_path is not set: it must name the VL export "
                        "(or set fastdup_work_dir or vl_issue_list_path)")
    # Every input and every file is checked before the build stops, so one run names
    # all the files to fix, not only the first.
    for (kind, var_name, configured, resolved, unzip_dir, project_dir, columns, max_bytes,
         vl_format) in locations:
        if not configured:
            continue
        if kind in OPTIONAL_WHEN_MISSING and not os.path.exists(resolved):
            continue
        extensions = VL_FORMATS[vl_format] if kind == "vl_export" else EXTENSIONS[kind]
        converted_dir = os.path.join(os.path.dirname(unzip_dir), "converted")
        try:
            listed = files_of(kind, var_name, resolved, unzip_dir, extensions)
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            problems.append(str(error))
            continue
        roles = [role_of(kind, file_path, resolved) for file_path, _ in listed]
        if kind == "fastdup_work" and not any(roles):
            problems.append(
                f"{var_name} = {configured!r}: no fastdup output found there (similarity.csv, "
                "connected_components.csv, outliers.csv, atrain_features.dat.csv, "
                "atrain_features.bad.csv or atrain_stats.csv)"
            )
            continue
        media_items, failed = 0, False
        for (file_path, container), role in zip(listed, roles):
            if role is None:
                continue
            shown = relative(file_path, project_dir)
            read_path = file_path
            try:
                size, sha256, count = check_file(
                    session, kind, var_name, file_path, shown, columns, max_bytes)
                if kind == "vl_export" and file_path.lower().endswith(".parquet"):
                    count = probe_vl_parquet(session, file_path.replace("'", "''"), shown)
                elif kind == "vl_export" and file_path.lower().endswith(".csv"):
                    read_path, count = convert_repr_csv(file_path, shown, converted_dir)
            except ValueError as error:
                problems.append(str(error))
                failed = True
                continue
            media_items += count
            rows.append((
                role,
                read_path,
                file_path,
                shown,
                relative(container, project_dir) if container else None,
                size,
                sha256,
            ))
        if kind == "vl_export" and media_items == 0 and not failed:
            problems.append(
                f"{var_name} = {configured!r}: the VL export holds no media items "
                "(every media_items list is empty)"
            )
    if problems:
        shown_problems = problems[:20]
        raise ValueError(
            f"Bad input: {len(problems)} problem(s) in the input files; no deliverable was "
            "written.\n  - " + "\n  - ".join(shown_problems)
            + ("\n  ... and more" if len(problems) > len(shown_problems) else "")
        )
    session.execute(f"create or replace temp table stg_inputs__files_rows ({COLUMNS})")
    if rows:
        session.executemany("insert into stg_inputs__files_rows values (?, ?, ?, ?, ?, ?, ?)", rows)
    return session.sql("select * from stg_inputs__files_rows order by input_kind, file_path")

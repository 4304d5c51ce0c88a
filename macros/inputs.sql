{#- Where inputs live and how each engine reads them. Only staging models call these. -#}

{% macro project_path(path) -%}
    {#- Relative paths resolve against the project, wherever dbt was started from; absolute
        paths and URIs (hdfs://, s3a://, as a Spark cluster reads them) stay as given. -#}
    {%- if path.startswith('/') or '://' in path -%}
        {{ return(path) }}
    {%- else -%}
        {{ return(invocation_args_dict.get('project_dir', '.') ~ '/' ~ path) }}
    {%- endif -%}
{%- endmacro %}


{% macro display_path(path_expr) -%}
    {#- File names in messages and tables are shown relative to the project. -#}
    replace({{ path_expr }}, '{{ invocation_args_dict.get("project_dir", ".") }}/', '')
{%- endmacro %}


{% macro sql_string(value) -%}
    {#- Any text as a string literal. Spark unescapes backslashes in literals (DuckDB and
        Trino keep them), so there each one is doubled. -#}
    {{ return(adapter.dispatch('sql_string', 'vl_clean')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    '{{ (value | string) | replace("\\", "\\\\") | replace("'", "''") }}'
{%- endmacro %}


{% macro input_files(input_kind) %}
    {#- The concrete files of one input, as listed (and unzipped) by stg_inputs__files.
        ref() comes first so the dependency is recorded at parse time. -#}
    {% set inventory = ref('stg_inputs__files') %}
    {{ return(adapter.dispatch('input_files', 'vl_clean')(input_kind, inventory)) }}
{% endmacro %}

{% macro trino__input_files(input_kind, inventory) %}
    {#- Trino reads raw tables, not files, and cannot be asked while compiling: an input
        with a raw table counts as its configured location (models branch on whether an
        input was given), any other as absent. -#}
    {%- set location = var(input_kind ~ '_path', '') if trino_raw_relation(input_kind) is not none else '' -%}
    {{ return([location] if location else []) }}
{% endmacro %}

{% macro default__input_files(input_kind, inventory) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set rows = run_query(
        "select file_path from " ~ inventory
        ~ " where input_kind = " ~ sql_string(input_kind)
        ~ " order by file_path"
    ) %}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}


{% macro input_source_paths(files) %}
    {#- For files stg_inputs__files converted (a CSV's Python-repr metadata_items made JSON):
        the path read -> the input file it came from. -#}
    {% set inventory = ref('stg_inputs__files') %}
    {% if not execute or not files %}
        {{ return({}) }}
    {% endif %}
    {% set rows = run_query(
        "select file_path, source_path from " ~ inventory
        ~ " where file_path != source_path and file_path in (" ~ (file_list(files)[1:-1]) ~ ")"
    ) %}
    {% set mapping = {} %}
    {% for row in rows.rows %}
        {% do mapping.update({row[0]: row[1]}) %}
    {% endfor %}
    {{ return(mapping) }}
{% endmacro %}


{% macro file_list(files) -%}
    [{% for f in files %}{{ sql_string(f) }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}


{% macro input_columns(relation_sql) %}
    {#- Column names of a file read, discovered at run time (formats whose schema varies). -#}
    {{ return(adapter.dispatch('input_columns', 'vl_clean')(relation_sql)) }}
{% endmacro %}

{% macro default__input_columns(relation_sql) %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set rows = run_query(adapter.dispatch('describe_query', 'vl_clean')("select * from " ~ relation_sql)) %}
    {{ return(rows.columns[0].values() | map('lower') | list) }}
{% endmacro %}

{% macro default__describe_query(sql) -%}
    describe {{ sql }}
{%- endmacro %}

{% macro spark__describe_query(sql) -%}
    describe query {{ sql }}
{%- endmacro %}


{% macro default_column_aliases() -%}
    {#- The names users' flat files give each logical column, most preferred first. Var
        `column_aliases` replaces the list of any key it names. Never `filename`: the file
        readers add that column (the file a row was read from). -#}
    {{ return({
        'image_id': ['image_id', 'id', 'media_id'],
        'image_path': ['path', 'image_path', 'file_path', 'filename_in_dataset', 'file_name'],
        'label': ['label', 'class', 'class_index', 'wnid', 'category_name', 'current_label', 'original_label', 'image_label'],
        'split': ['split', 'subset', 'partition'],
        'issue_type': ['issue_type', 'flag', 'vl_flag_type', 'reason'],
        'confidence': ['confidence', 'vl_confidence', 'value', 'score'],
        'suggested_label': ['suggested_label', 'vl_suggested_label', 'issues_description', 'description'],
        'media_id': ['media_id', 'image_id', 'id', 'image_uri'],
        'file_path': ['file_path', 'image_path', 'path', 'image_uri', 'image_filename', 'file_name', 'image_id'],
        'file_name': ['file_name', 'image_filename'],
        'metadata_items': ['metadata_items'],
        'issues': ['issues', 'image_issues'],
        'bbox': ['bbox'],
    }) }}
{%- endmacro %}


{% macro column_aliases(logical_name) -%}
    {#- The accepted names of one logical column: the user's list from var column_aliases,
        else the default. A key that names no logical column stops the build. -#}
    {%- set defaults = default_column_aliases() -%}
    {%- set overrides = var('column_aliases') or {} -%}
    {%- for key in overrides if key not in defaults -%}
        {{ exceptions.raise_compiler_error(
            "var column_aliases: unknown logical column " ~ key ~ "; known: "
            ~ (defaults.keys() | sort | join(", "))) }}
    {%- endfor -%}
    {%- set aliases = overrides.get(logical_name, defaults[logical_name]) -%}
    {{ return([aliases] if aliases is string else aliases) }}
{%- endmacro %}


{% macro pick_column(columns, aliases, cast_to=none) -%}
    {#- The first alias the file has, or null: column mapping for flat files. `aliases` is
        a list of names or a logical column of var column_aliases (default_column_aliases). -#}
    {%- set names = column_aliases(aliases) if aliases is string else aliases -%}
    {%- set found = [] -%}
    {%- for alias in names -%}
        {%- if alias | lower in columns and not found -%}
            {%- do found.append(alias | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found -%}
        cast({{ adapter.quote(found[0]) }} as {{ cast_to or dbt.type_string() }})
    {%- else -%}
        cast(null as {{ cast_to or dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{% macro has_column(columns, logical_name) -%}
    {#- Whether the file has any accepted name of a logical column. -#}
    {%- for alias in column_aliases(logical_name) if alias | lower in columns -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{% macro read_vl_export(source_relation) -%}
    {{ return(adapter.dispatch('read_vl_export', 'vl_clean')(source_relation)) }}
{%- endmacro %}

{% macro vl_export_columns() -%}
    {#- The VL export as DuckDB reads it: the nesting is typed (fast, columnar), leaves
        whose type users get wrong stay JSON or text and are checked in staging. The
        inventory model probes every file with this and explains any file that fails. -#}
    {info: 'JSON', media_items: '{{ vl_media_items_type() }}'}
{%- endmacro %}

{% macro vl_media_item_fields() -%}
    {#- The one definition of a media item's shape: (name, type) pairs; a type that is a
        list is a nested struct. vl_media_items_type and vl_metadata_items_structure render it. -#}
    {%- set text = 'VARCHAR' -%}
    {%- set properties = [] -%}
    {%- for name in ['issue_type', 'confidence', 'duplicate_group_id', 'duplicate_threshold',
                     'issues_description', 'tag_name', 'assigned_date', 'category_name', 'source',
                     'original_id', 'bbox', 'metadata_items', 'text', 'video_name', 'frame_timestamp'] -%}
        {%- do properties.append((name, text)) -%}
    {%- endfor -%}
    {%- set entry = [('type', text), ('tag_name', text), ('properties', properties)] -%}
    {{ return([
        ('media_id', 'JSON'), ('media_type', text), ('file_name', text), ('file_path', 'JSON'),
        ('file_size', text), ('height', text), ('width', text), ('url', text),
        ('cluster_id', text), ('uniqueness_score', text), ('metadata_items', [entry]),
    ]) }}
{%- endmacro %}

{% macro render_vl_type(fields) -%}
    {#- A (name, type) list as a DuckDB STRUCT type; [fields] is a list of structs. -#}
    STRUCT({% for name, type in fields %}"{{ name }}" {% if type is string %}{{ type }}{% elif type | length == 1 and type[0][0] is not string %}{{ render_vl_type(type[0]) }}[]{% else %}{{ render_vl_type(type) }}{% endif %}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro render_vl_structure(fields) -%}
    {#- The same shape as a json_transform structure. -#}
    {{ '{' }}{% for name, type in fields %}"{{ name }}": {% if type is string %}"{{ type }}"{% elif type | length == 1 and type[0][0] is not string %}[{{ render_vl_structure(type[0]) }}]{% else %}{{ render_vl_structure(type) }}{% endif %}{{ ', ' if not loop.last }}{% endfor %}{{ '}' }}
{%- endmacro %}

{% macro vl_media_items_type() -%}
    {{ render_vl_type(vl_media_item_fields()) }}[]
{%- endmacro %}

{% macro vl_metadata_items_structure() -%}
    {#- A media item's metadata_items list as a json_transform structure. -#}
    {%- set fields = vl_media_item_fields() -%}
    [{{ render_vl_structure(fields[-1][1][0]) }}]
{%- endmacro %}

{% macro duckdb__read_vl_export(source_relation) -%}
    {#- One row per export file, with its media items as a typed list: the JSON export read
        as typed JSON, flat files (Parquet export, CSVs, Hugging Face Parquet) mapped onto the
        same shape by vl_flat_export. -#}
    {%- set files = input_files('vl_export') -%}
    {%- set json_files = [] -%}
    {%- set parquet_files = [] -%}
    {%- set csv_files = [] -%}
    {%- for f in files -%}
        {%- do (json_files if f.lower().endswith('.json') else parquet_files
                if f.lower().endswith('.parquet') else csv_files).append(f) -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- if json_files -%}
        {%- do parts.append(
            "select info, media_items, filename from read_json(" ~ file_list(json_files)
            ~ ", filename = true, format = 'auto', columns = " ~ vl_export_columns()
            ~ ", maximum_object_size = " ~ (var("json_max_file_mb") * 1048576) ~ ")") -%}
    {%- endif -%}
    {%- for flat_files in [parquet_files, csv_files] if flat_files -%}
        {%- do parts.append(vl_flat_export(read_files(flat_files), input_source_paths(flat_files))) -%}
    {%- endfor -%}
    {%- if parts -%}
        ({{ parts | join('\n        union all\n        ') }})
    {%- else -%}
        (select
            cast(null as json) as info,
            cast(null as {{ vl_media_items_type() }}) as media_items,
            cast(null as varchar) as filename
        where false)
    {%- endif -%}
{%- endmacro %}


{% macro vl_flat_export(relation_sql, source_paths={}) -%}
    {#- Flat VL-shaped files, one row per media item, as one row per file with the media
        items the JSON export would hold. Columns are found at run time and mapped through
        var column_aliases: the VL Parquet export (metadata_items nested or a JSON string,
        image_filename or file_name), CSVs flattened from the JSON export (metadata_items
        converted from Python repr by stg_inputs__files), the tutorials' mislabel_analysis.csv
        and Hugging Face vl-enriched Parquet (issues or image_issues, the split from a
        train-*/validation-* shard name). Entries a file lacks are built from its columns:
        a label as an image_label of the first var vl_label_sources, a split as a user_tag,
        issue columns as an issue; Hugging Face duplicate groups sit at var duplicate_threshold. -#}
    {%- set columns = input_columns(relation_sql) | reject('in', ['filename', 'source_row_number']) | list -%}
    {%- set has_entries = has_column(columns, 'metadata_items') -%}
    {%- set has_issues = has_column(columns, 'issues') -%}
    {%- set text = dbt.type_string() -%}
    {%- set file_path = pick_column(columns, 'file_path') -%}
    {%- set split_value = "coalesce(nullif(trim(" ~ pick_column(columns, 'split') ~ "), ''), "
        ~ "regexp_extract(filename, '(^|/)(train|validation|val|test)-[^/]*$', 2))" -%}
    {%- set structure = vl_metadata_items_structure() -%}
    (select
        cast(null as json) as info,
        {#- Each part of metadata_items is typed on its own (json_transform drops unknown
            keys, leaves stay text for the checks in staging): a JSON round trip of the
            whole item costs several times more. #}
        cast(list(struct_pack(
            "media_id" := to_json(nullif(trim({{ pick_column(columns, 'media_id') }}), '')),
            "media_type" := {{ pick_column(columns, ['media_type']) }},
            "file_name" := coalesce({{ pick_column(columns, 'file_name') }}, {{ base_name(file_path) }}),
            "file_path" := to_json(nullif(trim({{ file_path }}), '')),
            {%- for name in ['file_size', 'height', 'width', 'url', 'cluster_id', 'uniqueness_score'] %}
            "{{ name }}" := {{ pick_column(columns, [name]) }},
            {%- endfor %}
            "metadata_items" := list_concat(
                {%- if has_entries %}
                from_json(cast({{ pick_column(columns, 'metadata_items', 'json') }} as json), '{{ structure }}'),
                {%- endif %}
                {%- if has_issues %}
                from_json(to_json(list_transform(
                    cast(cast({{ pick_column(columns, 'issues', 'json') }} as json) as json[]),
                    issue -> json_object('type', 'issue', 'properties', json_object(
                        'issue_type', issue ->> 'issue_type',
                        'confidence', issue -> 'confidence',
                        'issues_description', issue ->> 'description',
                        'duplicate_group_id', issue ->> 'duplicate_group_id',
                        'duplicate_threshold', case when issue ->> 'duplicate_group_id' is not null
                            then {{ var('duplicate_threshold') }} end)))), '{{ structure }}'),
                {%- endif %}
                {%- if not has_entries and not has_issues
                    and (has_column(columns, 'issue_type') or has_column(columns, 'suggested_label')) %}
                case when {{ pick_column(columns, 'issue_type') }} is not null
                    or {{ pick_column(columns, 'suggested_label') }} is not null then from_json(json_array(json_object(
                    'type', 'issue', 'properties', json_object(
                        'issue_type', coalesce({{ pick_column(columns, 'issue_type') }}, 'mislabels'),
                        'confidence', {{ pick_column(columns, 'confidence') }},
                        'issues_description', {{ pick_column(columns, 'suggested_label') }},
                        'bbox', {{ pick_column(columns, 'bbox') }}))), '{{ structure }}') end,
                {%- endif %}
                {%- if has_column(columns, 'label') %}
                case when nullif(trim({{ pick_column(columns, 'label') }}), '') is not null
                    then from_json(json_array(json_object('type', 'image_label', 'properties', json_object(
                        'category_name', trim({{ pick_column(columns, 'label') }}),
                        'source', {{ sql_string(var('vl_label_sources')[0]) }},
                        'original_id', -1))), '{{ structure }}') end,
                {%- endif %}
                case when {{ split_value }} != '' then from_json(json_array(json_object('type', 'user_tag',
                    'properties', json_object('tag_name', {{ split_value }}))), '{{ structure }}') end
            )
        ) order by source_row_number) as {{ vl_media_items_type() }}) as media_items,
        {#- A file converted by stg_inputs__files is named by the input file it came from. #}
        {%- if source_paths %}
        case filename
            {%- for read_path, source_path in source_paths.items() %}
            when {{ sql_string(read_path) }} then {{ sql_string(source_path) }}
            {%- endfor %}
            else filename
        end as filename
        {%- else %}
        filename
        {%- endif %}
    from {{ relation_sql }}
    group by filename)
{%- endmacro %}

{% macro read_flat_file(input_kind, file_column='filename') -%}
    {{ return(adapter.dispatch('read_flat_file', 'vl_clean')(input_kind, file_column)) }}
{%- endmacro %}

{% macro default__read_flat_file(input_kind, file_column='filename') -%}
    {%- set files = input_files(input_kind) -%}
    {{ return(read_files(files, file_column) if files else none) }}
{%- endmacro %}


{% macro read_files(files, file_column='filename') -%}
    {{ return(adapter.dispatch('read_files', 'vl_clean')(files, file_column)) }}
{%- endmacro %}

{% macro default__read_files(files, file_column='filename') -%}
    {{ exceptions.raise_compiler_error("target " ~ target.name ~ " (" ~ target.type ~ ") reads no files: "
        ~ "its inputs are the raw tables of README \"Trino\"") }}
{%- endmacro %}

{% macro duckdb__read_files(files, file_column='filename') -%}
    {#- CSV (all text, types are checked in staging) or Parquet, with the file and row kept
        for error messages. The file's path goes into `file_column` (formats that have a
        `filename` column of their own, like fastdup's, name it differently). -#}
    {%- if files[0].lower().endswith('.parquet') -%}
        (select *, cast(file_row_number + 1 as bigint) as source_row_number
         from read_parquet({{ file_list(files) }}, filename = '{{ file_column }}',
                           file_row_number = true, union_by_name = true))
    {%- else -%}
        {#- Row numbers are the file's data rows: numbered one file at a time, in the order
            the streaming window sees the scan (a window partitioned by file would number
            rows in hash order, and the messages would point at the wrong line). -#}
        ({% for f in files %}
         select *, row_number() over () as source_row_number
         from read_csv({{ sql_string(f) }}, header = true, all_varchar = true,
                       filename = '{{ file_column }}', auto_detect = true)
         {{ 'union all by name' if not loop.last }}
         {% endfor %})
    {%- endif -%}
{%- endmacro %}


{% macro read_json_documents(input_kind) -%}
    {{ return(adapter.dispatch('read_json_documents', 'vl_clean')(input_kind)) }}
{%- endmacro %}

{% macro default__read_json_documents(input_kind) -%}
    {#- Only the DuckDB target parses the team's clusters JSON (stg_team__cluster_images). -#}
    (select cast(null as {{ dbt.type_string() }}) as json, cast(null as {{ dbt.type_string() }}) as filename where false)
{%- endmacro %}

{% macro duckdb__read_json_documents(input_kind) -%}
    {#- Each file's top-level JSON value, whatever its shape (object or list). -#}
    {%- set files = input_files(input_kind) -%}
    {%- if files -%}
        read_json_objects({{ file_list(files) }}, filename = true, format = 'auto',
                          maximum_object_size = {{ var("json_max_file_mb") * 1048576 }})
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename where false)
    {%- endif -%}
{%- endmacro %}


{#- Spark: files are read through Spark's own data sources, so the same paths work on a
    laptop (local files) and on a cluster (hdfs://, s3a://, abfss:// URIs). Inputs whose
    reading needs Python here (ZIP archives, Python-repr CSVs, fastdup folders, the
    VL-datasets issue list, the team's clusters JSON) stop the build with a message. -#}

{% macro spark_files_view(input_kind, extensions) -%}
    {#- A temporary view of every file of one input (a file, or a folder walked recursively)
        with the given extensions: path, length, content. Views live in the Spark session,
        which every model of one dbt run shares. -#}
    {%- set name = 'vl_clean_input_files_' ~ input_kind -%}
    {%- if execute -%}
        {%- do run_query(
            "create or replace temporary view " ~ name ~ " using binaryFile options (path "
            ~ sql_string(project_path(var(input_kind ~ '_path'))) ~ ", recursiveFileLookup 'true', pathGlobFilter "
            ~ sql_string('*.{' ~ (extensions | join(',')) ~ '}') ~ ")") -%}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}

{% macro list_input_files(readable) -%}
    {#- The inventory's rows (input_kind, file_path, size_bytes, sha256) on engines that run
        no Python models; `readable` maps each input to the extensions read. -#}
    {{ return(adapter.dispatch('list_input_files', 'vl_clean')(readable)) }}
{%- endmacro %}

{% macro default__list_input_files(readable) -%}
    {#- dbt renders disabled models too when parsing: only a run may fail here. -#}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("no input inventory for target type " ~ target.type) }}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro spark__list_input_files(readable) -%}
    {%- for input_kind, extensions in readable.items() if var(input_kind ~ '_path') %}
        {%- if not loop.first %}
    union all
        {%- endif %}
    select
        {{ sql_string(input_kind) }} as input_kind,
        {{ spark_path('path') }} as file_path,
        {#- An empty file fails the build, naming it (raise_error stops the query). -#}
        case
            when length = 0
                then cast(raise_error(concat('Bad input: ', {{ display_path(spark_path('path')) }}, ' is empty')) as bigint)
            else cast(length as bigint)
        end as size_bytes,
        sha2(content, 256) as sha256
    from {{ spark_files_view(input_kind, extensions) }}
    {%- endfor %}
{%- endmacro %}

{% macro spark_path(path_expr) -%}
    {#- Spark names local files file:/...; the inventory and messages use plain paths. -#}
    regexp_replace({{ path_expr }}, '^file:(//)?', '')
{%- endmacro %}

{% macro spark__read_files(files, file_column='filename') -%}
    {#- One select per file, its path as a literal: Parquet rows numbered by Spark's row
        index, CSV (all text, RFC 4180 quoting) numbered in read order. -#}
    ({% for f in files %}
        {%- if f.lower().endswith('.parquet') %}
        select *, {{ sql_string(f) }} as {{ file_column }},
            cast(_metadata.row_index + 1 as bigint) as source_row_number
        from parquet.`{{ f }}`
        {%- else %}
            {%- set view = 'vl_clean_csv_' ~ local_md5(f) %}
            {%- if execute %}
                {%- do run_query("create or replace temporary view " ~ view ~ " using csv options (path "
                    ~ sql_string(f) ~ ", header 'true', multiLine 'true', escape '\"', mode 'PERMISSIVE')") %}
            {%- endif %}
        select *, {{ sql_string(f) }} as {{ file_column }},
            row_number() over (order by monotonically_increasing_id()) as source_row_number
        from {{ view }}
        {%- endif %}
        {{ 'union all' if not loop.last }}
    {% endfor %})
{%- endmacro %}

{% macro spark_type(type) -%}
    {#- vl_media_item_fields as a Spark DDL type: JSON leaves are read as text. -#}
    {%- if type is string -%}
        string
    {%- elif type | length == 1 and type[0][0] is not string -%}
        array<{{ spark_type(type[0]) }}>
    {%- else -%}
        struct<{% for name, field_type in type %}`{{ name }}`: {{ spark_type(field_type) }}{{ ', ' if not loop.last }}{% endfor %}>
    {%- endif -%}
{%- endmacro %}

{% macro spark__read_vl_export(source_relation) -%}
    {#- The JSON export, each file one document parsed with the media item shape; the
        info block stays JSON text. -#}
    {%- set files = input_files('vl_export') -%}
    {%- for f in files if not f.lower().endswith('.json') -%}
        {{ exceptions.raise_compiler_error(
            "var vl_export_path: " ~ f ~ " is not JSON; on target " ~ target.name
            ~ " the VL export is read as JSON only (the Parquet and CSV exports need the duckdb target)") }}
    {%- endfor -%}
    (select
        get_json_object(document, '$.info') as info,
        from_json(document, 'struct<media_items: array<{{ spark_type(vl_media_item_fields()) }}>>').media_items
            as media_items,
        filename
    from (
        select {{ spark_path('path') }} as filename, cast(content as string) as document
        from {{ spark_files_view('vl_export', ['json']) }}
    ) as documents)
{%- endmacro %}


{#- Trino reads no files: a loader puts each input into the raw tables the sources name
    (README "Trino"), and these macros read those tables. Nothing here queries the server
    while compiling, so `dbt compile --target trino --no-introspect` needs none. -#}

{% macro trino_raw_relation(input_kind) -%}
    {%- set sources = {'vl_export': ('vl', 'export'), 'manifest': ('dataset', 'manifest'),
                       'decisions': ('reviews', 'decisions'), 'findings': ('team', 'findings'),
                       'team_leaks': ('team', 'leak_reports')} -%}
    {{ return(source(*sources[input_kind]) if input_kind in sources else none) }}
{%- endmacro %}

{% macro trino__list_input_files(readable) -%}
    {%- for input_kind in readable if var(input_kind ~ '_path') %}
        {%- if not loop.first %}
    union all
        {%- endif %}
        {%- if input_kind == 'vl_export' %}
    select
        'vl_export' as input_kind,
        filename as file_path,
        cast(length(to_utf8(document)) as bigint) as size_bytes,
        lower(to_hex(sha256(to_utf8(document)))) as sha256
    from {{ trino_raw_relation('vl_export') }}
        {%- else %}
    select distinct
        {{ sql_string(input_kind) }} as input_kind,
        filename as file_path,
        cast(null as bigint) as size_bytes,
        cast(null as varchar) as sha256
    from {{ trino_raw_relation(input_kind) }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro trino_type(type) -%}
    {#- vl_media_item_fields as a Trino type, for the cast of the parsed document. -#}
    {%- if type is string -%}
        {{ 'json' if type == 'JSON' else 'varchar' }}
    {%- elif type | length == 1 and type[0][0] is not string -%}
        array({{ trino_type(type[0]) }})
    {%- else -%}
        row({% for name, field_type in type %}"{{ name }}" {{ trino_type(field_type) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{% macro trino__read_vl_export(source_relation) -%}
    {#- The raw table holds one row per export file: filename and document (its JSON text). -#}
    (select
        json_extract(json_parse(document), '$.info') as info,
        cast(json_extract(json_parse(document), '$.media_items')
            as array({{ trino_type(vl_media_item_fields()) }})) as media_items,
        filename
    from {{ source_relation }})
{%- endmacro %}

{% macro trino__read_flat_file(input_kind, file_column='filename') -%}
    {#- A loaded flat file: its columns as text plus filename and source_row_number. Inputs
        without a raw table (fastdup, the VL-datasets issue list) are not read. -#}
    {%- set relation = trino_raw_relation(input_kind) -%}
    {{ return(('(select * from ' ~ relation ~ ')') if relation is not none and var(input_kind ~ '_path', '') else none) }}
{%- endmacro %}

{% macro trino__input_columns(relation_sql) -%}
    {#- The raw tables use the first name of each logical column (default_column_aliases)
        and the decision log's own names: known without asking the server. -#}
    {%- set names = [] -%}
    {%- for aliases in default_column_aliases().values() -%}
        {%- do names.append(aliases[0]) -%}
    {%- endfor -%}
    {{ return(names + ['cluster_id', 'reviewer', 'decided_at', 'tags', 'action', 'new_label', 'note']) }}
{%- endmacro %}

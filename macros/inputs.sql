{#- Where inputs live and how each engine reads them. Only staging models call these. -#}

{% macro project_path(path) -%}
    {#- Relative paths resolve against the project, wherever dbt was started from. -#}
    {%- if path.startswith('/') -%}
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
    '{{ (value | string) | replace("'", "''") }}'
{%- endmacro %}


{% macro input_files(input_kind) %}
    {#- The concrete files of one input, as listed (and unzipped) by stg_inputs__files.
        ref() comes first so the dependency is recorded at parse time. -#}
    {% set inventory = ref('stg_inputs__files') %}
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


{% macro file_list(files) -%}
    [{% for f in files %}{{ sql_string(f) }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}


{% macro input_columns(relation_sql) %}
    {#- Column names of a file read, discovered at run time (formats whose schema varies). -#}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set rows = run_query("describe select * from " ~ relation_sql) %}
    {{ return(rows.columns[0].values() | map('lower') | list) }}
{% endmacro %}


{% macro pick_column(columns, aliases, cast_to=none) -%}
    {#- The first alias the file has, or null: column mapping for flat files. -#}
    {%- set found = [] -%}
    {%- for alias in aliases -%}
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


{% macro read_vl_export(source_relation) -%}
    {{ return(adapter.dispatch('read_vl_export', 'vl_clean')(source_relation)) }}
{%- endmacro %}

{% macro vl_export_columns() -%}
    {#- The VL export as DuckDB reads it: the nesting is typed (fast, columnar), leaves
        whose type users get wrong stay JSON or text and are checked in staging. The
        inventory model probes every file with this and explains any file that fails. -#}
    {info: 'JSON', media_items: '{{ vl_media_items_type() }}'}
{%- endmacro %}

{% macro vl_media_items_type() -%}
    STRUCT(media_id JSON, media_type VARCHAR, file_name VARCHAR, file_path JSON, file_size VARCHAR, height VARCHAR, width VARCHAR, url VARCHAR, cluster_id VARCHAR, uniqueness_score VARCHAR, metadata_items STRUCT("type" VARCHAR, tag_name VARCHAR, properties STRUCT(issue_type VARCHAR, confidence VARCHAR, duplicate_group_id VARCHAR, duplicate_threshold VARCHAR, issues_description VARCHAR, tag_name VARCHAR, assigned_date VARCHAR, category_name VARCHAR, "source" VARCHAR, original_id VARCHAR, bbox VARCHAR, metadata_items VARCHAR, "text" VARCHAR, video_name VARCHAR, frame_timestamp VARCHAR))[])[]
{%- endmacro %}

{% macro duckdb__read_vl_export(source_relation) -%}
    {#- One row per export file, with its media items as a typed list. -#}
    {%- set files = input_files('vl_export') -%}
    {%- if files -%}
        read_json(
            {{ file_list(files) }},
            filename = true,
            format = 'auto',
            columns = {{ vl_export_columns() }},
            maximum_object_size = {{ var("json_max_file_mb") * 1048576 }}
        )
    {%- else -%}
        (select
            cast(null as json) as info,
            cast(null as {{ vl_media_items_type() }}) as media_items,
            cast(null as varchar) as filename
        where false)
    {%- endif -%}
{%- endmacro %}


{% macro read_flat_file(input_kind, file_column='filename') -%}
    {{ return(adapter.dispatch('read_flat_file', 'vl_clean')(input_kind, file_column)) }}
{%- endmacro %}

{% macro duckdb__read_flat_file(input_kind, file_column='filename') -%}
    {#- CSV (all text, types are checked in staging) or Parquet, with the file and row kept
        for error messages. The file's path goes into `file_column` (formats that have a
        `filename` column of their own, like fastdup's, name it differently). -#}
    {%- set files = input_files(input_kind) -%}
    {%- if files and files[0].lower().endswith('.parquet') -%}
        (select *, cast(file_row_number + 1 as bigint) as source_row_number
         from read_parquet({{ file_list(files) }}, filename = '{{ file_column }}',
                           file_row_number = true, union_by_name = true))
    {%- elif files -%}
        (select *, row_number() over (partition by {{ file_column }}) as source_row_number
         from read_csv({{ file_list(files) }}, header = true, all_varchar = true,
                       filename = '{{ file_column }}', union_by_name = true, auto_detect = true))
    {%- else -%}
        {{ return(none) }}
    {%- endif -%}
{%- endmacro %}


{% macro read_json_documents(input_kind) -%}
    {{ return(adapter.dispatch('read_json_documents', 'vl_clean')(input_kind)) }}
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

{#- The input inventory on engines that run no Python models: the same columns as the
    DuckDB target's stg_inputs__files.py, listed through the engine's file source (Spark's
    binaryFile, which walks folders and hashes each file where it is read; Trino's loaded
    raw tables). Inputs that
    need Python to read (ZIP archives, fastdup folders, the VL-datasets issue list, the
    team's clusters JSON) stop the build here, before anything is read. -#}
{%- set readable = {
    'vl_export': ['json', 'parquet', 'csv'],
    'manifest': ['csv', 'parquet'],
    'decisions': ['csv'],
    'findings': ['csv'],
    'team_leaks': ['csv'],
} -%}
{%- set python_only = {
    'team_clusters_path': "the team's clusters JSON",
    'fastdup_work_dir': 'a fastdup work folder',
    'vl_issue_list_path': 'a VL-datasets issue list',
} -%}
{%- set _ = ref('stg_inputs__locations') -%}

{%- if execute %}
    {%- for var_name, what in python_only.items() if var(var_name) %}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " = " ~ var(var_name) ~ ": " ~ what ~ " is read on the duckdb target only"
            ~ " (target " ~ target.name ~ " runs no Python models); build it with --target duckdb") }}
    {%- endfor %}
    {%- if not var('vl_export_path') %}
        {{ exceptions.raise_compiler_error("vl_export_path is not set: it must name the VL export") }}
    {%- endif %}
    {%- if var('vl_export_path').lower().endswith('.zip') %}
        {{ exceptions.raise_compiler_error(
            "var vl_export_path = " ~ var('vl_export_path') ~ ": unzip the export first; on target "
            ~ target.name ~ " ZIP archives are not read") }}
    {%- endif %}
{%- endif %}

with listed as (
    {{ list_input_files(readable) }}
),

inventory as (
    select
        input_kind,
        file_path,
        file_path as source_path,
        {{ display_path('file_path') }} as display_path,
        cast(null as {{ dbt.type_string() }}) as container_path,
        size_bytes,
        sha256
    from listed
)

select * from inventory

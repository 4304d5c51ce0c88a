{{ config(materialized='view') }}

{#- The dataset manifest: every image with its id, path, split and label, as the team wrote
    it (CSV or Parquet). Column names are discovered at run time and mapped by alias (var column_aliases).
    A view over the file (an absolute path, so it also works from the DuckDB CLI opened
    anywhere): a manifest has millions of rows, and storing them twice costs seconds. -#}
{%- set source_sql = read_flat_file('manifest') -%}
{%- set _ = source('dataset', 'manifest') -%}

{#- The manifest's columns (as messages name them) and their logical columns of var
    column_aliases. -#}
{%- set logical_columns = {'image_id': 'image_id', 'path': 'image_path', 'split': 'split',
                           'label': 'label'} %}

{%- if source_sql %}
    {%- set columns = input_columns(source_sql) %}
{#- Which columns the header lacks, known at compile time: a constant, so the check that
    reports it costs nothing when the header is complete. -#}
    {%- set missing = {'required': [], 'optional': []} %}
    {%- for name, logical_name in logical_columns.items() %}
        {%- if execute and not has_column(columns, logical_name) %}
{%- do missing['required' if name in ('image_id', 'path') else 'optional'].append(name) %}
{%- endif %}
    {%- endfor %}
    {%- set null_string = 'cast(null as ' ~ dbt.type_string() ~ ')' %}

    with source as (
        select * from {{ source_sql }}
    ),

    renamed as (
        select
        ---------- ids
            trim({{ pick_column(columns, 'image_id') }}) as image_id,

            ---------- where the record came from
            {{ display_path('filename') }} as manifest_file,
            cast(source_row_number as bigint) as row_number,

            ---------- strings
            {{ dataset_path(pick_column(columns, 'image_path')) }}
                as image_path,
            {{ base_name(pick_column(columns, 'image_path')) }}
                as file_name,
            {{ pick_column(columns, 'split') }} as split_text,
            trim({{ pick_column(columns, 'label') }})
                as label_text,
            {{ sql_string(missing['required'] | join(', ')) if missing['required'] else null_string }}
                as missing_required_columns,
            {{ sql_string(missing['optional'] | join(', ')) if missing['optional'] else null_string }}
                as missing_optional_columns
        from source
    )

    select * from renamed

{%- else %}

{{ empty_select([
    ['image_id', 'string'],
    ['manifest_file', 'string'],
    ['row_number', 'bigint'],
    ['image_path', 'string'],
    ['file_name', 'string'],
    ['split_text', 'string'],
    ['label_text', 'string'],
    ['missing_required_columns', 'string'],
    ['missing_optional_columns', 'string']
]) }}

{%- endif %}

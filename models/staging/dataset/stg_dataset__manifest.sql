{{ config(materialized='view') }}

{#- The dataset manifest: every image with its id, path, split and label, as the team wrote
    it (CSV or Parquet). Column names are discovered at run time and mapped by alias.
    A view over the file (an absolute path, so it also works from the DuckDB CLI opened
    anywhere): a manifest has millions of rows, and storing them twice costs seconds. -#}
{%- set source_sql = read_flat_file('manifest') -%}
{%- set _ = source('dataset', 'manifest') -%}

{%- set aliases = {
    'image_id': ['image_id', 'id', 'media_id'],
    'path': ['path', 'image_path', 'file_path', 'filename_in_dataset', 'file_name'],
    'split': ['split', 'subset', 'partition'],
    'label': ['label', 'class', 'class_index', 'wnid', 'category_name'],
} %}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}
{#- Which columns the header lacks, known at compile time: a constant, so the check that
    reports it costs nothing when the header is complete. -#}
{%- set missing = {'required': [], 'optional': []} %}
{%- for name, names in aliases.items() %}
{%- if execute and not (names | select('in', columns) | list) %}
{%- do missing['required' if name in ('image_id', 'path') else 'optional'].append(name) %}
{%- endif %}
{%- endfor %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        trim({{ pick_column(columns, aliases['image_id']) }}) as image_id,

        ---------- where the record came from
        {{ display_path('filename') }} as manifest_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        {{ dataset_path(pick_column(columns, aliases['path'])) }}
            as image_path,
        {{ base_name(pick_column(columns, aliases['path'])) }}
            as file_name,
        {{ pick_column(columns, aliases['split']) }} as split_text,
        trim({{ pick_column(columns, aliases['label']) }})
            as label_text,
        {{ sql_string(missing['required'] | join(', ')) if missing['required'] else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as missing_required_columns,
        {{ sql_string(missing['optional'] | join(', ')) if missing['optional'] else 'cast(null as ' ~ dbt.type_string() ~ ')' }}
            as missing_optional_columns
    from source
)

select * from renamed

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as image_id,
    cast(null as {{ dbt.type_string() }}) as manifest_file,
    cast(null as bigint) as row_number,
    cast(null as {{ dbt.type_string() }}) as image_path,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_string() }}) as split_text,
    cast(null as {{ dbt.type_string() }}) as label_text,
    cast(null as {{ dbt.type_string() }}) as missing_required_columns,
    cast(null as {{ dbt.type_string() }}) as missing_optional_columns
where false

{%- endif %}

{{ config(materialized='view') }}

{#- The dataset manifest: every image with its id, path, split and label, as the team wrote
    it (CSV or Parquet). Column names are discovered at run time and mapped by alias (var column_aliases).
    A view over the file (an absolute path, so it also works from the DuckDB CLI opened
    anywhere): a manifest has millions of rows, and storing them twice costs seconds. -#}
{%- set source_sql = read_flat_file('manifest') -%}
{%- set _ = source('dataset', 'manifest') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

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
            as label_text
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
    cast(null as {{ dbt.type_string() }}) as label_text
where false

{%- endif %}

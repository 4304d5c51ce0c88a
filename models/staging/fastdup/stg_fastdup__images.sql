{#- fastdup's id map `atrain_features.dat.csv` (`index,filename`): the 0-based row of the
    feature matrix that every other fastdup file names an image by. One row per line. -#}
{%- set source_sql = read_flat_file('fastdup_features', 'source_file') -%}
{%- set _ = source('fastdup', 'features') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        trim({{ pick_column(columns, ['index', 'fastdup_id', '__id']) }}) as fastdup_index,

        ---------- where the record came from
        {{ display_path('source_file') }} as features_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        trim({{ pick_column(columns, ['filename', 'img_filename']) }}) as file_path
    from source
)

select * from renamed

{%- else %}

{{ empty_select([
    ['fastdup_index', 'string'],
    ['features_file', 'string'],
    ['row_number', 'bigint'],
    ['file_path', 'string']
]) }}

{%- endif %}

{#- fastdup's similarity pairs: `similarity.csv` (`from,to,distance`; despite the name,
    distance is a similarity, 1.0 = identical; ids are integer indexes into
    atrain_features.dat.csv or full file paths) and the controller's saved frames
    (`filename_from/_to`, `label_from/_to`, `split_from/_to`). One row per pair as written. -#}
{%- set source_sql = read_flat_file('fastdup_similarity', 'source_file') -%}
{%- set _ = source('fastdup', 'similarity') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids: a file name when the frame has one, else the id as written
        trim(coalesce({{ pick_column(columns, ['filename_from', 'img_filename_from']) }},
            {{ pick_column(columns, ['from', 'fastdup_id_from', 'index_from']) }})) as from_ref,
        trim(coalesce({{ pick_column(columns, ['filename_to', 'img_filename_to']) }},
            {{ pick_column(columns, ['to', 'fastdup_id_to', 'index_to']) }})) as to_ref,

        ---------- where the record came from
        {{ display_path('source_file') }} as similarity_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        trim({{ pick_column(columns, ['label_from']) }}) as label_from_text,
        trim({{ pick_column(columns, ['label_to', 'label2']) }}) as label_to_text,
        trim({{ pick_column(columns, ['split_from']) }}) as split_from_text,
        trim({{ pick_column(columns, ['split_to']) }}) as split_to_text,

        ---------- numerics
        trim({{ pick_column(columns, ['distance', 'similarity']) }}) as similarity_text
    from source
)

select
    *,
    try_cast(similarity_text as double) as similarity
from renamed

{%- else %}

{{ empty_select([
    ['from_ref', 'string'],
    ['to_ref', 'string'],
    ['similarity_file', 'string'],
    ['row_number', 'bigint'],
    ['label_from_text', 'string'],
    ['label_to_text', 'string'],
    ['split_from_text', 'string'],
    ['split_to_text', 'string'],
    ['similarity_text', 'string'],
    ['similarity', 'double']
]) }}

{%- endif %}

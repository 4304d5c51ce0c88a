{#- VL-datasets issue file list (`filename, reason, value, prototype[, split]`, for example
    ImageNet-1K_images_issue_file_list.csv). `reason` is not case-consistent (Blur, blur):
    lower-cased here, mapped by the issue_type_aliases seed downstream. The VL path prefix
    (var vl_path_prefix) is stripped from `filename` and `prototype`; `prototype` is the
    other image of a duplicate or leak pair, `value` the similarity or the quality score. -#}
{%- set source_sql = read_flat_file('vl_issue_list', 'source_file') -%}
{%- set _ = source('vl_datasets', 'issue_file_list') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        {{ dataset_path("nullif(trim(" ~ pick_column(columns, ['filename', 'file_name', 'image_path']) ~ "), '')") }}
            as image_ref,
        {{ dataset_path("nullif(trim(" ~ pick_column(columns, ['prototype']) ~ "), '')") }}
            as prototype_ref,

        ---------- where the record came from
        {{ display_path('source_file') }} as issue_list_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        lower(trim({{ pick_column(columns, ['reason', 'issue_type']) }})) as raw_issue_type,
        trim({{ pick_column(columns, ['split']) }}) as split_text,

        ---------- numerics
        nullif(trim({{ pick_column(columns, ['value']) }}), '') as value_text
    from source
)

select
    *,
    try_cast(value_text as double) as value
from renamed

{%- else %}

{{ empty_select([
    ['image_ref', 'string'],
    ['prototype_ref', 'string'],
    ['issue_list_file', 'string'],
    ['row_number', 'bigint'],
    ['raw_issue_type', 'string'],
    ['split_text', 'string'],
    ['value_text', 'string'],
    ['value', 'double']
]) }}

{%- endif %}

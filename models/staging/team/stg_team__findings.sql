{#- The team's flat findings CSV (`image_id, image_path, current_label, suggested_label,
    confidence, issue_type`, with the fallbacks their scripts used, var column_aliases), or
    their tagged manifest (`original_label, vl_flag_type, vl_confidence, vl_suggested_label`,
    ...): its flags are findings. One row per line; a line without a flag has no issue type. -#}
{%- set source_sql = read_flat_file('findings') -%}
{%- set _ = source('team', 'findings') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        trim({{ pick_column(columns, 'image_id') }}) as team_image_id,

        ---------- where the record came from
        {{ display_path('filename') }} as findings_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        {{ dataset_path(pick_column(columns, 'image_path')) }}
            as image_path,
        trim({{ pick_column(columns, 'label') }})
            as current_label_text,
        trim({{ pick_column(columns, 'suggested_label') }})
            as suggested_label_text,
        nullif(lower(trim({{ pick_column(columns, 'issue_type') }})), '') as raw_issue_type,

        ---------- numerics
        {{ pick_column(columns, 'confidence') }} as confidence_text
    from source
)

select
    *,
    try_cast(confidence_text as double) as confidence
from renamed

{%- else %}

{{ empty_select([
    ['team_image_id', 'string'],
    ['findings_file', 'string'],
    ['row_number', 'bigint'],
    ['image_path', 'string'],
    ['current_label_text', 'string'],
    ['suggested_label_text', 'string'],
    ['raw_issue_type', 'string'],
    ['confidence_text', 'string'],
    ['confidence', 'double']
]) }}

{%- endif %}

{#- VL-datasets issue count CSV (`reason, count, pct, split`; split `all`, then one row per
    split): what the issue file list should hold, compared with it in the input checks. -#}
{%- set source_sql = read_flat_file('vl_issue_counts', 'source_file') -%}
{%- set _ = source('vl_datasets', 'issue_counts') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- where the record came from
        {{ display_path('source_file') }} as issue_counts_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        lower(trim({{ pick_column(columns, ['reason', 'issue_type']) }})) as raw_issue_type,
        lower(trim({{ pick_column(columns, ['split']) }})) as split_text,

        ---------- numerics
        try_cast({{ pick_column(columns, ['count']) }} as bigint) as issue_count
    from source
)

select * from renamed

{%- else %}

{{ empty_select([
    ['issue_counts_file', 'string'],
    ['row_number', 'bigint'],
    ['raw_issue_type', 'string'],
    ['split_text', 'string'],
    ['issue_count', 'bigint']
]) }}

{%- endif %}

{#- The reviewers' append-only decision logs (policy R8), one row per log row, as written:
    var decisions_path names a folder of CSVs (one per reviewer, as scripts/review_server.py
    writes them) or a single CSV. Text is trimmed and typed here; nothing is validated or
    resolved (int_review_decisions_expanded and int_review_problems_collected do that).
    decided_at is ISO 8601: a trailing Z or +hh:mm / -hhmm offset is applied, so every
    decided_at is UTC; text that is not a timestamp gives null (reported as an error). -#}
{%- set source_sql = read_flat_file('decisions') -%}
{%- set _ = source('reviews', 'decisions') -%}

{%- if source_sql %}
    {%- set columns = input_columns(source_sql) %}

    with source as (
        select * from {{ source_sql }}
    ),

    trimmed as (
        select
            {{ display_path('filename') }} as decision_file,
            cast(source_row_number as bigint) as row_number,
            {{ regex_extract(base_name('filename'), '^(.+)[.][Cc][Ss][Vv]$') }} as file_stem,
            nullif(trim({{ pick_column(columns, ['image_id']) }}), '') as image_id,
            nullif(trim({{ pick_column(columns, ['cluster_id']) }}), '') as cluster_id,
            nullif(trim({{ pick_column(columns, ['reviewer']) }}), '') as reviewer_text,
            nullif(trim({{ pick_column(columns, ['decided_at']) }}), '') as decided_at_text,
            nullif(trim({{ pick_column(columns, ['tags']) }}), '') as tags_text,
            nullif(lower(trim({{ pick_column(columns, ['action']) }})), '') as action,
            nullif(trim({{ pick_column(columns, ['new_label']) }}), '') as new_label_text,
            nullif(trim({{ pick_column(columns, ['note']) }}), '') as note
        from source
    ),

{# ISO 8601 zone designator: Z, or an offset with minutes (a bare -hh would also match
    the day of a date-only value). -#}
    zoned as (
        select
            *,
            {{ regex_extract('decided_at_text', '[0-9]([Zz]|[+-][0-9]{2}:?[0-9]{2})$') }} as zone_text
        from trimmed
    ),

    timed as (
        select
            *,
            case
                when zone_text is null then decided_at_text
                else substr(decided_at_text, 1, length(decided_at_text) - length(zone_text))
            end as local_time_text,
            case
                when zone_text is null or upper(zone_text) = 'Z' then 0
                else (case when substr(zone_text, 1, 1) = '-' then -1 else 1 end) * (
                        cast(substr(zone_text, 2, 2) as integer) * 60
                        + cast(substr(replace(zone_text, ':', ''), 4, 2) as integer)
                    )
            end as offset_minutes
        from zoned
    ),

    renamed as (
        select
        ---------- where the row came from
            decision_file,
            row_number,

            ---------- ids
            coalesce(reviewer_text, file_stem) as reviewer,
            image_id,
            cluster_id,

            ---------- strings
            tags_text,
            action,
            new_label_text,
            note,
            decided_at_text,

            ---------- booleans
            reviewer_text is null and file_stem is not null as is_reviewer_from_file_name,

        ---------- timestamps
        {# try_cast, as in the other staging models: dbt.safe_cast is a plain cast on
            DuckDB and would fail the build on one bad cell (DuckDB, Spark >= 3.2 and Trino
            all have try_cast). -#}
        {{ dbt.dateadd(
            'minute',
            '-offset_minutes',
            "try_cast(replace(local_time_text, 'T', ' ') as " ~ dbt.type_timestamp() ~ ")"
        ) }} as decided_at
        from timed
    )

    select * from renamed

{%- else %}

{{ empty_select([
    ['decision_file', 'string'],
    ['row_number', 'bigint'],
    ['reviewer', 'string'],
    ['image_id', 'string'],
    ['cluster_id', 'string'],
    ['tags_text', 'string'],
    ['action', 'string'],
    ['new_label_text', 'string'],
    ['note', 'string'],
    ['decided_at_text', 'string'],
    ['is_reviewer_from_file_name', 'boolean'],
    ['decided_at', 'timestamp']
]) }}

{%- endif %}

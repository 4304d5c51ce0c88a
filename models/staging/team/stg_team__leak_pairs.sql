{#- The team's leak reports (var `team_leaks_path`: a CSV or a folder of them), in either
    shape their scripts wrote: analyze_vl_duplicates.py (`cluster_id, leak_type,
    train_image_path, train_image_id, ..., val_image_path, val_image_id, ...`) or
    train_test_leak_detection.py (`train_image, test_image, method, similarity, leak_type,
    hamming_distance`, paths). One row per reported train-val pair, as written. Both shapes
    in one folder are read by name, so each path is the column of either shape. -#}
{%- set source_sql = read_flat_file('team_leaks') -%}
{%- set _ = source('team', 'leak_reports') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        nullif(trim({{ pick_column(columns, ['train_image_id']) }}), '') as train_team_image_id,
        nullif(trim({{ pick_column(columns, ['val_image_id', 'test_image_id']) }}), '')
            as val_team_image_id,
        nullif(trim({{ pick_column(columns, ['cluster_id']) }}), '') as team_cluster_id,

        ---------- where the record came from
        {{ display_path('filename') }} as leaks_file,
        cast(source_row_number as bigint) as row_number,

        ---------- strings
        {{ dataset_path('coalesce(' ~ pick_column(columns, ['train_image_path']) ~ ', ' ~ pick_column(columns, ['train_image']) ~ ')') }}
            as train_image_path,
        {{ dataset_path('coalesce(' ~ pick_column(columns, ['val_image_path']) ~ ', ' ~ pick_column(columns, ['test_image']) ~ ')') }}
            as val_image_path,
        case
            when {{ pick_column(columns, ['val_image_id', 'val_image_path']) }} is not null
                then 'vl_analyzer'
            else 'leak_detection'
        end as report_shape,
        nullif(trim({{ pick_column(columns, ['leak_type']) }}), '') as leak_type,
        nullif(trim({{ pick_column(columns, ['method']) }}), '') as method,

        ---------- numerics
        try_cast({{ pick_column(columns, ['similarity']) }} as double) as similarity
    from source
)

select * from renamed

{%- else %}

{{ empty_select([
    ['train_team_image_id', 'string'],
    ['val_team_image_id', 'string'],
    ['team_cluster_id', 'string'],
    ['leaks_file', 'string'],
    ['row_number', 'bigint'],
    ['train_image_path', 'string'],
    ['val_image_path', 'string'],
    ['report_shape', 'string'],
    ['leak_type', 'string'],
    ['method', 'string'],
    ['similarity', 'double']
]) }}

{%- endif %}

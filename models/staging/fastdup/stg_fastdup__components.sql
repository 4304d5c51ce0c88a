{#- fastdup's `connected_components.csv`: V1 `__id,component_id,sum,count,mean_distance,
    min_distance,max_distance` or legacy `__id,component_id,pagerank,delta` (and the
    controller's frame with `index`/`fastdup_id`). `count` = 0 is a singleton: dropped,
    as fastdup's controller does. One row per image in a component. -#}
{%- set source_sql = read_flat_file('fastdup_components', 'source_file') -%}
{%- set _ = source('fastdup', 'components') -%}

{%- if source_sql %}
{%- set columns = input_columns(source_sql) %}

with source as (
    select * from {{ source_sql }}
),

renamed as (
    select
        ---------- ids
        trim(coalesce({{ pick_column(columns, ['filename', 'img_filename']) }},
            {{ pick_column(columns, ['__id', 'index', 'fastdup_id']) }})) as image_ref,
        trim({{ pick_column(columns, ['component_id']) }}) as component_id,

        ---------- where the record came from
        {{ display_path('source_file') }} as components_file,
        cast(source_row_number as bigint) as row_number,

        ---------- numerics
        try_cast({{ pick_column(columns, ['count']) }} as bigint) as edge_count,
        try_cast({{ pick_column(columns, ['min_distance']) }} as double) as min_similarity,
        trim({{ pick_column(columns, ['min_distance']) }}) as min_similarity_text
    from source
)

select * from renamed
where coalesce(edge_count, 1) != 0

{%- else %}

{{ empty_select([
    ['image_ref', 'string'],
    ['component_id', 'string'],
    ['components_file', 'string'],
    ['row_number', 'bigint'],
    ['edge_count', 'bigint'],
    ['min_similarity', 'double'],
    ['min_similarity_text', 'string']
]) }}

{%- endif %}

{#- One row per media item per export file (a media item exported in several overlapping
    chunk files appears once per file here; int_media_items_deduplicated merges them). -#}

with source as (
    select * from {{ read_vl_export(source('vl', 'export')) }}
),

media_items as (
    {{ select_exploded('source', ['filename as export_file_path'], 'media_items', 'item', 'item_index') }}
),

renamed as (
    select
        ---------- ids
        {{ json_scalar_text('item.media_id') }} as media_id,
        item.cluster_id as visual_cluster_id,

        ---------- where the record came from
        {{ display_path('export_file_path') }} as export_file,
        cast(media_items.item_index as integer) as item_index,

        ---------- strings
        item.media_type,
        item.file_name,
        {{ json_scalar_text('item.file_path') }} as file_path,
        item.file_size as file_size_text,
        item.url as media_url,

        ---------- numerics
        try_cast(item.height as integer) as height_px,
        try_cast(item.width as integer) as width_px,
        try_cast(item.uniqueness_score as double) as uniqueness_score,
        case upper({{ regex_extract('item.file_size', '([A-Za-z]+)\\s*$') }})
            when 'B' then 1
            when 'KB' then 1024
            when 'MB' then 1048576
            when 'GB' then 1073741824
        end * try_cast({{ regex_extract('item.file_size', '^\\s*([0-9.]+)') }} as double)
            as file_size_bytes,

        ---------- raw parts kept for the metadata staging model and the input checks
        item.metadata_items,
        {{ json_value_type('item.media_id') }} as media_id_json_type,
        {{ json_value_type('item.file_path') }} as file_path_json_type,
        item.height as height_text,
        item.width as width_text,
        item.uniqueness_score as uniqueness_score_text
    from media_items
)

select * from renamed

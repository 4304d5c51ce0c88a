{#- One row per media item per export file (a media item exported in several overlapping
    chunk files appears once per file here; int_media_items_deduplicated merges them). -#}

with source as (
    select * from {{ read_vl_export(source('vl', 'export')) }}
),

media_items as (
    select
        source.filename as export_file_path,
        source.info as info_json,
        items.item,
        items.item_ordinal
    from source,
        unnest(
            case when json_type(source.media_items) = 'ARRAY'
                then cast(source.media_items as json []) end
        ) with ordinality as items (item, item_ordinal)
),

renamed as (
    select
        ---------- ids
        item ->> 'media_id' as media_id,
        item ->> 'cluster_id' as visual_cluster_id,

        ---------- where the record came from
        {{ display_path('export_file_path') }} as export_file,
        cast(item_ordinal - 1 as integer) as item_index,

        ---------- strings
        item ->> 'media_type' as media_type,
        item ->> 'file_name' as file_name,
        item ->> 'file_path' as file_path,
        item ->> 'file_size' as file_size_text,
        item ->> 'url' as media_url,

        ---------- numerics
        try_cast(item ->> 'height' as integer) as height_px,
        try_cast(item ->> 'width' as integer) as width_px,
        try_cast(item ->> 'uniqueness_score' as double) as uniqueness_score,
        case upper(regexp_extract(item ->> 'file_size', '([A-Za-z]+)\s*$', 1))
            when 'B' then 1
            when 'KB' then 1024
            when 'MB' then 1048576
            when 'GB' then 1073741824
        end * try_cast(regexp_extract(item ->> 'file_size', '^\s*([0-9.]+)', 1) as double)
            as file_size_bytes,

        ---------- raw parts kept for the next staging model and the input checks
        item -> 'metadata_items' as metadata_items_json,
        json_type(item) as item_json_type,
        json_type(item -> 'media_id') as media_id_json_type,
        json_type(item -> 'file_path') as file_path_json_type,
        json_type(item -> 'metadata_items') as metadata_items_json_type
    from media_items
)

select * from renamed

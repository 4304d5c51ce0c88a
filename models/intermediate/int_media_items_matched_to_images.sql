{#- Which dataset image each VL media item is: the manifest image with the same dataset
    path, else the one manifest image with the same file name, else (no manifest, or not
    in it) the dataset path itself. One row per media item; small, so everything that
    needs the media-to-image mapping joins here instead of to the million-row images. -#}

with manifest as (
    select
        image_id,
        image_path,
        file_name
    from {{ ref('stg_dataset__manifest') }}
    where image_id is not null and image_id != ''
),

vl_media as (
    select
        media_id,
        dataset_path,
        {{ base_name('dataset_path') }} as file_name
    from {{ ref('int_media_items_deduplicated') }}
),

{#- Joins go from the few VL records to the manifest, never the manifest to itself. #}

by_path as (
    select
        vl_media.media_id,
        min(manifest.image_id) as image_id
    from vl_media
    inner join manifest on vl_media.dataset_path = manifest.image_path
    group by 1
),

by_file_name as (
    select
        vl_media.media_id,
        min(manifest.image_id) as image_id
    from vl_media
    inner join manifest on vl_media.file_name = manifest.file_name
    where vl_media.media_id not in (select by_path.media_id from by_path)
    group by 1
    having count(*) = 1
),

final as (
    select
        vl_media.media_id,
        coalesce(by_path.image_id, by_file_name.image_id, vl_media.dataset_path) as image_id,
        vl_media.dataset_path,
        case
            when by_path.image_id is not null then 'path'
            when by_file_name.image_id is not null then 'file_name'
            else 'none'
        end as manifest_match
    from vl_media
    left join by_path on vl_media.media_id = by_path.media_id
    left join by_file_name on vl_media.media_id = by_file_name.media_id
)

select * from final

{#- _exclude.csv: a `filename` column of the removed images, the file list VL's
    clean-dataset loaders take: VL's own file_path where the image is in the export,
    else var vl_path_prefix plus the dataset path. -#}

with removals as (
    select image_id from {{ ref('final_removals') }}
),

images as (
    select
        image_id,
        media_id,
        image_path
    from {{ ref('images') }}
),

vl_paths as (
    select
        media_id,
        file_path
    from {{ ref('int_media_items_deduplicated') }}
)

select
    {{ csv_safe("coalesce(vl_paths.file_path, concat('" ~ var('vl_path_prefix') ~ "', images.image_path))") }}
        as filename,
    removals.image_id as sort_order
from removals
inner join images on removals.image_id = images.image_id
left join vl_paths on images.media_id = vl_paths.media_id

{#- R9: every staged record is one image, and the counts reconcile with the inputs:
    manifest rows, distinct VL media items, images, and the clean manifest plus the
    removals add up to the whole dataset. -#}
with counts as (
    select
        (select count(*) from {{ ref('stg_dataset__manifest') }}) as manifest_rows,
        (select count(*) from {{ ref('images') }} where is_in_manifest) as manifest_images,
        (select count(distinct media_id) from {{ ref('stg_vl__media_items') }}
         where media_id is not null and media_id != '') as vl_media_items,
        (select count(*) from {{ ref('images') }} where media_id is not null) as vl_images,
        (select count(*) from {{ ref('images') }}) as images,
        (select count(distinct image_id) from {{ ref('images') }}) as distinct_images,
        (select count(*) from {{ ref('final_removals') }}) as removed,
        (select count(*) from {{ ref('clean_manifest') }}) as kept
)

select *
from counts
where manifest_rows != manifest_images
    or vl_media_items != vl_images
    or images != distinct_images
    or kept + removed != images

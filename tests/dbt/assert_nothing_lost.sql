{#- R9: every staged record is one image, and the counts reconcile with the inputs:
    manifest rows, distinct VL media items, images, kept plus removed. -#}
with counts as (
    select
        (select count(*) from {{ ref('stg_dataset__manifest') }}) as manifest_rows,
        (select count(*) from {{ ref('images') }} where is_in_manifest) as manifest_images,
        (select count(distinct media_id) from {{ ref('stg_vl__media_items') }}
         where media_id is not null and media_id != '') as vl_media_items,
        (select count(*) from {{ ref('images') }} where media_id is not null) as vl_images,
        (select count(*) from {{ ref('images') }}) as images,
        (select count(distinct image_id) from {{ ref('images') }}) as distinct_images,
        (select count(*) from {{ ref('val_removals') }}) as removed,
        (select figure_value from {{ ref('cleaning_summary') }}
         where metric = 'clean_size' and breakdown = 'all') as clean_size
)

select *
from counts
where manifest_rows != manifest_images
    or vl_media_items != vl_images
    or images != distinct_images
    or clean_size + removed != images

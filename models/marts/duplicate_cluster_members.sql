{#- One row per image in a duplicate cluster of two or more images at var
    duplicate_threshold. -#}

with clusters as (
    select
        image_id,
        cluster_id,
        anchor_image_id,
        cluster_size
    from {{ ref('int_duplicate_clusters_merged') }}
    where cluster_size > 1
),

images as (
    select
        image_id,
        media_id,
        image_path,
        split,
        class_index,
        wnid,
        class_name,
        label_text,
        label_status
    from {{ ref('images') }}
),

final as (
    select
        clusters.cluster_id,
        clusters.image_id,
        images.media_id,
        images.image_path,
        images.split,
        images.class_index,
        images.wnid,
        images.class_name,
        images.label_text,
        images.label_status,
        clusters.cluster_size,
        clusters.image_id = clusters.anchor_image_id as is_anchor
    from clusters
    inner join images on clusters.image_id = images.image_id
)

select * from final

{#- Near-duplicate candidates (R2): images grouped only at levels below
    var duplicate_threshold (down to var near_duplicate_threshold), one row per image of a
    near cluster that joins more than one exact cluster or stand-alone image. Reported and
    sent to review, never acted on automatically. -#}

with near as (
    select
        image_id,
        near_cluster_id,
        near_cluster_size
    from {{ ref('int_near_duplicate_clusters_merged') }}
    where near_cluster_size > 1
),

images as (
    select
        image_id,
        image_path,
        split,
        class_index,
        class_name,
        cluster_id
    from {{ ref('images') }}
),

near_joined as (
    select
        near.near_cluster_id,
        near.near_cluster_size,
        near.image_id,
        images.image_path,
        images.split,
        images.class_index,
        images.class_name,
        images.cluster_id,
        coalesce(images.cluster_id, near.image_id) as exact_unit
    from near
    inner join images on near.image_id = images.image_id
),

near_clusters as (
    select
        near_cluster_id,
        count(distinct exact_unit) as exact_units,
        {{ count_where("split = 'train'") }} as train_images,
        {{ count_where("split = 'val'") }} as val_images,
        count(distinct class_index) as distinct_labels
    from near_joined
    group by 1
),

final as (
    select
        near_joined.near_cluster_id,
        near_joined.image_id,
        near_joined.cluster_id,
        near_joined.image_path,
        near_joined.split,
        near_joined.class_name,
        near_joined.class_index,
        near_joined.near_cluster_size,
        near_clusters.exact_units,
        near_clusters.distinct_labels,
        near_clusters.train_images > 0 and near_clusters.val_images > 0 as spans_train_and_val
    from near_joined
    inner join near_clusters on near_joined.near_cluster_id = near_clusters.near_cluster_id
    where near_clusters.exact_units > 1
)

select * from final

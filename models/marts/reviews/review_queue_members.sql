{#- The members of every cluster item of the review queue (train-val leaks, multi-label
    clusters, near-duplicate candidates), one row per (item, image), shown side by side on
    the review page. -#}

with leak_and_multi_label as (
    select
        concat('cluster:', clusters.cluster_id) as queue_item_id,
        members.image_id
    from {{ ref('duplicate_clusters') }} as clusters
    inner join {{ ref('duplicate_cluster_members') }} as members
        on clusters.cluster_id = members.cluster_id
    where clusters.is_leak or clusters.is_multi_label
),

near as (
    select
        concat('cluster:', near_cluster_id) as queue_item_id,
        image_id
    from {{ ref('near_duplicate_candidates') }}
),

images as (
    select
        image_id,
        image_path,
        split,
        class_index,
        class_name
    from {{ ref('images') }}
),

unioned as (
    select * from leak_and_multi_label
    union all
    select * from near
),

final as (
    select
        unioned.queue_item_id,
        unioned.image_id,
        images.image_path,
        images.split,
        images.class_index as label,
        images.class_name as label_name,
        row_number() over (
            partition by unioned.queue_item_id order by images.split, unioned.image_id
        ) as member_order
    from unioned
    inner join images on unioned.image_id = images.image_id
)

select * from final

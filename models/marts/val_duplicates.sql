{#- Val images duplicated only inside val (R4): clusters with two or more val images and
    no train image. With one label (every val member labelled alike) the smallest image id
    is kept and the rest are removed; with several labels, or a member without a label,
    the cluster goes to review. -#}

with clusters as (
    select cluster_id
    from {{ ref('duplicate_clusters') }}
    where train_images = 0 and val_images > 1
),

val_members as (
    select
        members.cluster_id,
        members.image_id,
        members.image_path,
        members.class_index,
        members.class_name
    from {{ ref('duplicate_cluster_members') }} as members
    inner join clusters on members.cluster_id = clusters.cluster_id
    where members.split = 'val'
),

cluster_labels as (
    select
        cluster_id,
        count(distinct class_index) as distinct_labels,
        {{ count_where("class_index is null") }} as unlabelled_images,
        min(image_id) as keeper_image_id
    from val_members
    group by 1
),

final as (
    select
        val_members.cluster_id,
        val_members.image_id,
        val_members.image_path,
        val_members.class_name,
        case
            when cluster_labels.distinct_labels != 1 or cluster_labels.unlabelled_images > 0
                then 'review'
            when val_members.image_id = cluster_labels.keeper_image_id then 'keep'
            else 'remove'
        end as action,
        val_members.class_index,
        cluster_labels.keeper_image_id,
        cluster_labels.distinct_labels = 1 and cluster_labels.unlabelled_images = 0
            as is_single_label
    from val_members
    inner join cluster_labels on val_members.cluster_id = cluster_labels.cluster_id
)

select * from final

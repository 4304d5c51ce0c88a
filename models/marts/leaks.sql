{#- Train-val leaks at cluster level (R3): duplicate clusters holding at least one train
    and at least one val image. Leaks whose members disagree on the label are also label
    conflicts (R5) and get high priority. -#}

with clusters as (
    select * from {{ ref('duplicate_clusters') }}
    where is_leak
),

final as (
    select
        cluster_id,
        anchor_image_id,
        split_mix,
        label_counts,
        cluster_size,
        train_images,
        val_images,
        distinct_labels,
        majority_class_index,
        threshold,
        is_multi_label as has_label_conflict,
        case when is_multi_label or unlabelled_images > 0 then 'high' else 'medium' end
            as priority
    from clusters
)

select * from final

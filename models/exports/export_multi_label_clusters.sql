{#- _multi_label_clusters.csv: one row per member of a multi-label cluster (R5). -#}

with members as (
    select * from {{ ref('multi_label_clusters') }}
),

final as (
    select
        {{ csv_safe('cluster_id') }} as cluster_id,
        {{ csv_safe('image_id') }} as image_id,
        {{ csv_safe('image_path') }} as image_path,
        split,
        class_index as current_label,
        {{ csv_safe('class_name') }} as current_label_name,
        label_counts as labels_in_cluster,
        distinct_labels as num_different_labels,
        majority_class_index as majority_label,
        {{ csv_safe('majority_class_name') }} as majority_label_name,
        is_leak,
        system_tags,
        action as recommended_action,
        row_number() over (order by cluster_id, image_id) as sort_order
    from members
)

select * from final

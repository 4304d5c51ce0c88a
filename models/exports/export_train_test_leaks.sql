{#- _train_test_leaks.csv: one row per leaked val image (R3), highest priority first. -#}

with leaked as (
    select * from {{ ref('leaked_val_images') }}
),

final as (
    select
        {{ csv_safe('cluster_id') }} as cluster_id,
        {{ csv_safe('image_id') }} as val_image_id,
        {{ csv_safe('image_path') }} as val_image_path,
        class_index as val_label,
        {{ csv_safe('class_name') }} as val_label_name,
        {{ csv_safe('train_image_ids') }} as train_image_ids,
        train_class_indices as train_labels,
        labels_agree,
        threshold as duplicate_threshold,
        action,
        priority,
        row_number() over (
            order by case priority when 'high' then 0 else 1 end, cluster_id, image_id
        ) as sort_order
    from leaked
)

select * from final

{#- One row per duplicate cluster: its split mix (train-val, train-train, val-val, ...)
    and label statistics after labels are reconciled to one class id (R2, R3, R5). -#}

with members as (
    select
        cluster_id,
        image_id,
        split,
        class_index,
        cluster_size
    from {{ ref('duplicate_cluster_members') }}
),

label_counts as (
    select
        cluster_id,
        class_index,
        count(*) as members_with_label
    from members
    where class_index is not null
    group by 1, 2
),

labels_ranked as (
    select
        *,
        row_number() over (
            partition by cluster_id order by members_with_label desc, class_index asc
        ) as label_rank
    from label_counts
),

label_stats as (
    select
        cluster_id,
        count(*) as distinct_labels,
        {{ sorted_string_agg(dbt.concat([
            "lpad(cast(class_index as " ~ dbt.type_string() ~ "), 4, '0')", "':'",
            "cast(members_with_label as " ~ dbt.type_string() ~ ")"
        ])) }} as label_counts,
        max(case when label_rank = 1 then class_index end) as majority_class_index,
        max(case when label_rank = 1 then members_with_label end) as majority_count
    from labels_ranked
    group by 1
),

split_stats as (
    select
        cluster_id,
        min(cluster_size) as cluster_size,
        min(image_id) as anchor_image_id,
        {{ count_where("split = 'train'") }} as train_images,
        {{ count_where("split = 'val'") }} as val_images,
        {{ count_where("split = 'test'") }} as test_images,
        {{ count_where("split is null") }} as unknown_split_images,
        {{ count_where("class_index is null") }} as unlabelled_images
    from members
    group by 1
),

split_kinds as (
    select
        *,
        concat_ws(
            '-',
            case when train_images > 0 then 'train' end,
            case when val_images > 0 then 'val' end,
            case when test_images > 0 then 'test' end,
            case when unknown_split_images > 0 then 'unknown' end
        ) as splits_present,
        case when train_images > 0 then 1 else 0 end
        + case when val_images > 0 then 1 else 0 end
        + case when test_images > 0 then 1 else 0 end
        + case when unknown_split_images > 0 then 1 else 0 end as split_kinds
    from split_stats
),

final as (
    select
        ---------- ids
        split_stats.cluster_id,
        split_stats.anchor_image_id,

        ---------- strings
        case when split_stats.split_kinds = 1
                then concat(split_stats.splits_present, '-', split_stats.splits_present)
            else split_stats.splits_present
        end as split_mix,
        label_stats.label_counts,

        ---------- numerics
        split_stats.cluster_size,
        split_stats.train_images,
        split_stats.val_images,
        split_stats.test_images,
        split_stats.unknown_split_images,
        split_stats.unlabelled_images,
        coalesce(label_stats.distinct_labels, 0) as distinct_labels,
        label_stats.majority_class_index,
        label_stats.majority_count,
        cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }}) as threshold,

        ---------- booleans
        split_stats.train_images > 0 and split_stats.val_images > 0 as is_leak,
        coalesce(label_stats.distinct_labels, 0) > 1 as is_multi_label
    from split_kinds as split_stats
    left join label_stats on split_stats.cluster_id = label_stats.cluster_id
)

select * from final

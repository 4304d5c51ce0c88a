{#- Val images removed by rule, without a human (one row per image, every row with its
    reason and evidence): train-val leaks (R3), val-only duplicates with one label (R4),
    and, under var multi_label_policy = remove_val, val members of multi-label clusters
    (R5). Where several rules apply, the first in that order names the reason. -#}

with leaked as (
    select
        image_id,
        cluster_id,
        'train_val_leak' as reason,
        'R3' as rule,
        1 as precedence,
        concat(
            'cluster ', cluster_id, ' holds train images ', train_image_ids,
            case when labels_agree then ' with the same label'
                else concat(' labelled ', train_class_indices)
            end
        ) as evidence
    from {{ ref('leaked_val_images') }}
),

val_duplicates as (
    select
        image_id,
        cluster_id,
        'val_duplicate' as reason,
        'R4' as rule,
        2 as precedence,
        concat(
            'cluster ', cluster_id, ' keeps val image ', keeper_image_id,
            ', a duplicate with the same label'
        ) as evidence
    from {{ ref('val_duplicates') }}
    where action = 'remove'
),

multi_label as (
    select
        image_id,
        cluster_id,
        'multi_label_cluster' as reason,
        'R5' as rule,
        3 as precedence,
        concat('cluster ', cluster_id, ' carries labels ', label_counts) as evidence
    from {{ ref('multi_label_clusters') }}
    where split = 'val' and action = 'remove' and not is_leak
),

unioned as (
    select * from leaked
    union all
    select * from val_duplicates
    union all
    select * from multi_label
),

ranked as (
    select
        *,
        row_number() over (partition by image_id order by precedence, cluster_id) as reason_rank
    from unioned
),

all_reasons as (
    select
        image_id,
        {{ sorted_string_agg('reason', distinct=true) }} as reasons
    from unioned
    group by 1
),

images as (
    select
        image_id,
        image_path,
        split,
        class_index
    from {{ ref('images') }}
),

final as (
    select
        ranked.image_id,
        ranked.cluster_id,
        images.image_path,
        images.split,
        ranked.reason,
        all_reasons.reasons,
        ranked.rule,
        ranked.evidence,
        'system' as decided_by,
        images.class_index
    from ranked
    inner join all_reasons on ranked.image_id = all_reasons.image_id
    inner join images on ranked.image_id = images.image_id
    where ranked.reason_rank = 1
)

select * from final

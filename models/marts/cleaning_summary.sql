{#- The team's stats block as one row per figure: samples per split, duplicates, leaks,
    multi-label clusters, removals and the clean size. _summary.json and _summary.md are
    written from this table. -#}

with images as (
    select
        image_id,
        split
    from {{ ref('images') }}
),

clusters as (
    select * from {{ ref('duplicate_clusters') }}
),

removals as (
    select
        image_id,
        split,
        reason
    from {{ ref('val_removals') }}
),

near as (
    select near_cluster_id from {{ ref('near_duplicate_candidates') }}
),

final_removals as (
    select
        image_id,
        split,
        reason
    from {{ ref('final_removals') }}
),

relabels as (
    select
        image_id,
        split
    from {{ ref('relabels') }}
),

blocked as (
    select image_id from {{ ref('blocked_train_removals') }}
),

overrides as (
    select image_id from {{ ref('leak_overrides') }}
),

mislabels_confirmed as (
    select findings.image_id
    from {{ ref('findings') }} as findings
    inner join {{ ref('int_final_actions_resolved') }} as actions
        on findings.image_id = actions.image_id
    where findings.issue_type = 'mislabel'
        and actions.reviewer_action in ('remove', 'relabel')
),

queue as (
    select state from {{ ref('review_queue') }}
),

problems as (
    select
        severity,
        check_name
    from {{ ref('input_problems') }}
),

split_names as (
    select
        'train' as split,
        1 as split_order
    union all
    select
        'val',
        2
    union all
    select
        'test',
        3
),

samples_per_split as (
    select
        split,
        count(*) as samples
    from images
    group by split
),

removals_per_split as (
    select
        split,
        count(*) as removed
    from final_removals
    group by split
),

per_split as (
    {#- Joins, not correlated subqueries: Spark fails to decorrelate those over a union
        of constants. #}
    select
        split_names.split,
        split_names.split_order,
        coalesce(samples_per_split.samples, 0) as samples,
        coalesce(removals_per_split.removed, 0) as removed
    from split_names
    left join samples_per_split on split_names.split = samples_per_split.split
    left join removals_per_split on split_names.split = removals_per_split.split
),

figures as (
    select
        10 as sort_order,
        'total_samples' as metric,
        'all' as breakdown,
        (select count(*) from images) as figure_value,
        'images in the dataset' as description
    union all
    select
        10 + split_order,
        'total_samples',
        split,
        samples,
        concat('images in ', split)
    from per_split
    where samples > 0
    union all
    select
        15,
        'unknown_split_images',
        'all',
        (
            select count(*) from images
            where split is null
        ),
        'images whose split is unknown (R1)'
    union all
    select
        20,
        'duplicate_images',
        'all',
        (select coalesce(sum(cluster_size), 0) from clusters),
        concat('images in duplicate clusters at threshold ', '{{ var("duplicate_threshold") }}')
    union all
    select
        21,
        'duplicate_clusters',
        'all',
        (select count(*) from clusters),
        'duplicate clusters (two or more images)'
    union all
    select
        22,
        'train_val_clusters',
        'all',
        (
            select count(*) from clusters
            where split_mix = 'train-val'
        ),
        'clusters mixing train and val'
    union all
    select
        23,
        'train_train_clusters',
        'all',
        (
            select count(*) from clusters
            where split_mix = 'train-train'
        ),
        'clusters inside train'
    union all
    select
        24,
        'val_val_clusters',
        'all',
        (
            select count(*) from clusters
            where split_mix = 'val-val'
        ),
        'clusters inside val'
    union all
    select
        30,
        'leak_clusters',
        'all',
        (
            select count(*) from clusters
            where is_leak
        ),
        'clusters holding train and val images (R3)'
    union all
    select
        31,
        'leaked_val_images',
        'all',
        (
            select count(*) from removals
            where reason = 'train_val_leak'
        ),
        'val images with a train duplicate'
    union all
    select
        32,
        'leak_clusters_with_label_conflict',
        'all',
        (
            select count(*) from clusters
            where is_leak and is_multi_label
        ),
        'leak clusters whose members disagree on the label'
    union all
    select
        40,
        'multi_label_clusters',
        'all',
        (
            select count(*) from clusters
            where is_multi_label
        ),
        'clusters whose members carry more than one class (R5)'
    union all
    select
        41,
        'near_duplicate_clusters',
        'all',
        (select count(distinct near_cluster_id) from near),
        'near-duplicate candidate clusters, for review only'
    union all
    select
        50,
        'images_to_remove',
        'all',
        (select count(*) from removals),
        'images on the val removal list'
    union all
    select
        51,
        'images_to_remove',
        'val_duplicate',
        (
            select count(*) from removals
            where reason = 'val_duplicate'
        ),
        'val duplicates of another val image with the same label (R4)'
    union all
    select
        52,
        'images_to_remove',
        'multi_label_cluster',
        (
            select count(*) from removals
            where reason = 'multi_label_cluster'
        ),
        'val members of multi-label clusters (R5, policy remove_val)'
    union all
    select
        53,
        'leak_overrides',
        'all',
        (select count(*) from overrides),
        'val images a reviewer kept as not_duplicate (R3 override)'
    union all
    select
        54,
        'final_removals',
        'all',
        (select count(*) from final_removals),
        'images removed after review: rules plus reviewers (the final removal list)'
    union all
    select
        55,
        'final_removals',
        'reviewed_remove',
        (
            select count(*) from final_removals
            where reason = 'reviewed_remove'
        ),
        'images removed by a reviewer decision (R6, R7)'
    union all
    select
        56,
        'mislabels_confirmed',
        'all',
        (select count(distinct image_id) from mislabels_confirmed),
        'VL mislabel findings a reviewer confirmed by removing or relabelling'
    union all
    select
        57,
        'images_to_relabel',
        'all',
        (select count(*) from relabels),
        'images the reviewers relabel (the relabel map)'
    union all
    select
        58,
        'blocked_train_removals',
        'all',
        (select count(*) from blocked),
        'reviewer removals of train images blocked by train_removal_policy (R7)'
    union all
    select
        60,
        'clean_size',
        'all',
        (select count(*) from images) - (select count(*) from final_removals),
        'images kept after review'
    union all
    select
        60 + split_order,
        'clean_size',
        split,
        samples - removed,
        concat('images kept in ', split, ' after review')
    from per_split
    where samples > 0
    union all
    select
        70,
        'review_queue',
        'all',
        (select count(*) from queue),
        'items that need a human decision'
    union all
    select
        71,
        'review_queue',
        'decided',
        (
            select count(*) from queue
            where state = 'decided'
        ),
        'queue items decided'
    union all
    select
        72,
        'review_queue',
        'conflict',
        (
            select count(*) from queue
            where state = 'conflict'
        ),
        'queue items the reviewers disagree on'
    union all
    select
        73,
        'review_queue',
        'blocked_by_policy',
        (
            select count(*) from queue
            where state = 'blocked_by_policy'
        ),
        'queue items whose decision the policy blocks'
    union all
    select
        90,
        'input_warnings',
        'all',
        (
            select count(*) from problems
            where severity = 'warning'
        ),
        'suspicious but usable input records (see input_problems)'
    union all
    {#- One row per kind of warning, so the summary says what was suspicious. #}
    select
        90 + cast(row_number() over (order by check_name) as integer),
        'input_warnings',
        check_name,
        count(*),
        concat('input warnings of check ', check_name, ' (see input_problems)')
    from problems
    where severity = 'warning'
    group by check_name
)

select
    sort_order,
    metric,
    breakdown,
    cast(figure_value as bigint) as figure_value,
    description
from figures

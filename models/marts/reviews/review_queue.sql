{#- Everything that needs a human decision, one row per image or cluster, in R6 order:
    clear mislabels and different-label leaks first, then multi-label clusters, other
    mislabels, near-duplicate candidates, same-label leaks (to confirm), outliers and
    quality issues by confidence, and issue types nobody mapped. Each row carries its
    evidence and its decision state from the reviewers' logs. Cluster members are in
    review_queue_members. -#}

{%- set train_policy = policy_var('train_removal_policy', ['never', 'reviewed_only']) %}

with findings as (
    select * from {{ ref('findings') }}
    where is_known_image
),

leaks as (
    select
        cluster_id,
        anchor_image_id,
        split_mix,
        has_label_conflict,
        label_counts,
        majority_class_index
    from {{ ref('leaks') }}
),

multi_label as (
    select
        cluster_id,
        anchor_image_id,
        split_mix,
        label_counts,
        majority_class_index
    from {{ ref('duplicate_clusters') }}
    where is_multi_label and not is_leak
),

near as (
    select
        near_cluster_id,
        min(image_id) as anchor_image_id,
        max(case when spans_train_and_val then 1 else 0 end) as spans_train_and_val,
        count(*) as members
    from {{ ref('near_duplicate_candidates') }}
    group by 1
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

classes as (
    select
        class_index,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

decisions as (
    select
        image_id,
        decision_state,
        final_action
    from {{ ref('review_decisions') }}
),

members as (
    select * from {{ ref('review_queue_members') }}
),

findings_bucketed as (
    select
        findings.*,
        case
            when findings.issue_type = 'mislabel' and findings.is_clear_mislabel then 1
            when findings.issue_type = 'mislabel' then 4
            when findings.issue_type = 'outlier' then 7
            when findings.is_known_issue_type then 8
            else 9
        end as priority_bucket
    from findings
),

findings_ranked as (
    select
        *,
        row_number() over (
            partition by image_id order by priority_bucket asc, confidence desc, issue_type asc
        ) as finding_rank
    from findings_bucketed
),

issues_per_image as (
    select
        image_id,
        {{ sorted_string_agg('issue_type', distinct=true) }} as issue_types
    from findings
    group by 1
),

image_items as (
    select
        concat('image:', findings_ranked.image_id) as queue_item_id,
        'image' as item_kind,
        findings_ranked.image_id,
        cast(null as {{ dbt.type_string() }}) as cluster_id,
        findings_ranked.image_path,
        findings_ranked.split,
        findings_ranked.class_index as label,
        findings_ranked.class_name as label_name,
        findings_ranked.issue_type,
        issues_per_image.issue_types,
        findings_ranked.confidence,
        findings_ranked.suggested_class_index as suggested_label,
        findings_ranked.suggested_class_name as suggested_label_name,
        findings_ranked.priority_bucket,
        concat(
            'VL ', findings_ranked.raw_issue_type,
            case when findings_ranked.confidence is not null
                    then concat(' ', cast(round(findings_ranked.confidence, 3) as {{ dbt.type_string() }}))
                else ''
            end,
            case when findings_ranked.suggested_label_text is not null
                    then concat('; suggests ', findings_ranked.suggested_label_text)
                else ''
            end,
            case when findings_ranked.is_clear_mislabel then ' (clear mislabel candidate)' else '' end
        ) as reason
    from findings_ranked
    inner join issues_per_image on findings_ranked.image_id = issues_per_image.image_id
    where findings_ranked.finding_rank = 1
),

cluster_items as (
    select
        concat('cluster:', leaks.cluster_id) as queue_item_id,
        'cluster' as item_kind,
        cast(null as {{ dbt.type_string() }}) as image_id,
        leaks.cluster_id,
        images.image_path,
        leaks.split_mix as split,
        leaks.majority_class_index as label,
        classes.clean_name as label_name,
        'train_val_leak' as issue_type,
        'train_val_leak' as issue_types,
        cast(null as {{ dbt.type_float() }}) as confidence,
        leaks.majority_class_index as suggested_label,
        classes.clean_name as suggested_label_name,
        case when leaks.has_label_conflict then 2 else 6 end as priority_bucket,
        concat(
            'train-val leak; labels ', leaks.label_counts,
            case when leaks.has_label_conflict then ' disagree (label conflict)'
                else ': val copies are removed unless a reviewer marks them not_duplicate'
            end
        )
            as reason
    from leaks
    left join images on leaks.anchor_image_id = images.image_id
    left join classes on leaks.majority_class_index = classes.class_index
    union all
    select
        concat('cluster:', multi_label.cluster_id),
        'cluster',
        cast(null as {{ dbt.type_string() }}),
        multi_label.cluster_id,
        images.image_path,
        multi_label.split_mix,
        multi_label.majority_class_index as label,
        classes.clean_name as label_name,
        'multi_label',
        'multi_label',
        cast(null as {{ dbt.type_float() }}),
        multi_label.majority_class_index as suggested_label,
        classes.clean_name as suggested_label_name,
        3,
        concat(
            'exact duplicates with labels ', multi_label.label_counts,
            '; majority label suggested'
        )
    from multi_label
    left join images on multi_label.anchor_image_id = images.image_id
    left join classes on multi_label.majority_class_index = classes.class_index
    union all
    select
        concat('cluster:', near.near_cluster_id),
        'cluster',
        cast(null as {{ dbt.type_string() }}),
        near.near_cluster_id,
        images.image_path,
        case when near.spans_train_and_val = 1 then 'train-val' else images.split end,
        images.class_index,
        images.class_name,
        'near_duplicate',
        'near_duplicate',
        cast(null as {{ dbt.type_float() }}),
        cast(null as integer),
        cast(null as {{ dbt.type_string() }}),
        5,
        concat(
            'near-duplicate candidates (', cast(near.members as {{ dbt.type_string() }}),
            ' images, below the duplicate threshold); never removed automatically'
        )
    from near
    left join images on near.anchor_image_id = images.image_id
),

items as (
    select * from image_items
    union all
    select * from cluster_items
),

image_states as (
    select
        items.queue_item_id,
        case
            when decisions.decision_state = 'conflict' then 'conflict'
            when decisions.decision_state = 'decided' and decisions.final_action = 'remove'
                and items.split = 'train' and '{{ train_policy }}' = 'never'
                then 'blocked_by_policy'
            when decisions.decision_state = 'decided' then 'decided'
            else 'new'
        end as state
    from items
    left join decisions on items.image_id = decisions.image_id
    where items.item_kind = 'image'
),

cluster_states as (
    select
        members.queue_item_id,
        case
            when {{ count_where("decisions.decision_state = 'conflict'") }} > 0 then 'conflict'
            when {{ count_where(
                "decisions.decision_state = 'decided' and decisions.final_action = 'remove'"
                ~ " and members.split = 'train' and '" ~ train_policy ~ "' = 'never'") }} > 0
                then 'blocked_by_policy'
            when {{ count_where("decisions.decision_state = 'decided'") }} > 0 then 'decided'
            else 'new'
        end as state
    from members
    left join decisions on members.image_id = decisions.image_id
    group by 1
),

final as (
    select
        items.*,
        case when items.priority_bucket <= 2 then 'high'
            when items.priority_bucket <= 6 then 'medium'
            else 'low'
        end as priority,
        row_number() over (
            order by items.priority_bucket asc, items.confidence desc nulls last, items.queue_item_id asc
        ) as priority_rank,
        coalesce(image_states.state, cluster_states.state, 'new') as state
    from items
    left join image_states on items.queue_item_id = image_states.queue_item_id
    left join cluster_states on items.queue_item_id = cluster_states.queue_item_id
)

select * from final

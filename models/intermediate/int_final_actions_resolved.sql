{#- One final action per image that any rule or reviewer touched (R6, R7, R9), with the
    rule and evidence behind it. Precedence: a rule's removal (unless a reviewer marked the
    image not_duplicate: the R3 override) beats a reviewed removal, which beats a relabel;
    a reviewed removal of a train image is blocked under train_removal_policy = never. -#}

{%- set train_policy = policy_var('train_removal_policy', ['never', 'reviewed_only']) %}

with rule_removals as (
    select
        image_id,
        cluster_id,
        reason,
        rule,
        evidence
    from {{ ref('val_removals') }}
),

decisions as (
    select
        image_id,
        final_action,
        final_class_index,
        final_tags,
        decided_by,
        last_decided_at,
        evidence
    from {{ ref('review_decisions') }}
    where decision_state = 'decided'
),

images as (
    select
        image_id,
        split,
        class_index
    from {{ ref('images') }}
),

touched as (
    select image_id from rule_removals
    union
    select image_id from decisions
),

joined as (
    select
        touched.image_id,
        images.split,
        images.class_index,
        rule_removals.reason as rule_reason,
        rule_removals.rule as rule_name,
        rule_removals.evidence as rule_evidence,
        rule_removals.cluster_id,
        decisions.final_action,
        decisions.final_class_index,
        decisions.decided_by,
        decisions.last_decided_at,
        decisions.evidence as decision_evidence,
        decisions.final_action = 'keep'
        and concat(';', coalesce(decisions.final_tags, ''), ';') like '%;not_duplicate;%'
            as is_marked_not_duplicate
    from touched
    inner join images on touched.image_id = images.image_id
    left join rule_removals on touched.image_id = rule_removals.image_id
    left join decisions on touched.image_id = decisions.image_id
),

final as (
    select
        image_id,
        split,
        class_index,
        cluster_id,
        case
            when rule_reason is not null and not coalesce(is_marked_not_duplicate, false)
                then 'remove'
            when rule_reason is not null then 'keep_overridden'
            when final_action = 'remove' and split = 'train' and '{{ train_policy }}' = 'never'
                then 'blocked_by_policy'
            when final_action = 'remove' then 'remove'
            when final_action = 'relabel'
                and (class_index is null or final_class_index != class_index) then 'relabel'
            else 'keep'
        end as final_action,
        case
            when rule_reason is not null and not coalesce(is_marked_not_duplicate, false)
                then rule_reason
            when rule_reason is not null then concat('overridden_', rule_reason)
            when final_action = 'remove' and split = 'train' and '{{ train_policy }}' = 'never'
                then 'train_removal_blocked'
            when final_action = 'remove' then 'reviewed_remove'
            when final_action = 'relabel'
                and (class_index is null or final_class_index != class_index)
                then 'reviewed_relabel'
            else 'reviewed_keep'
        end as reason,
        case
            when rule_reason is not null and not coalesce(is_marked_not_duplicate, false)
                then rule_name
            when rule_reason is not null then 'R3'
            when final_action = 'remove' and split = 'train' then 'R7'
            else 'R6'
        end as rule,
        case
            when rule_reason is not null and not coalesce(is_marked_not_duplicate, false)
                then rule_evidence
            when rule_reason is not null
                then concat(rule_evidence, '; overruled: ', decision_evidence)
            else decision_evidence
        end as evidence,
        case when rule_reason is not null and not coalesce(is_marked_not_duplicate, false)
                then 'system'
            else decided_by
        end as decided_by,
        last_decided_at as decided_at,
        case when final_action = 'relabel' then final_class_index end as new_class_index,
        final_action as reviewer_action
    from joined
)

select * from final

{#- The images whose reviewers disagree (decision_state conflict in review_decisions),
    one row per (image, reviewer) with that reviewer's standing decision, for the team to
    discuss (policy R8: no action is taken on a conflict). Reviewers who deferred are
    listed too. -#}

with conflicts as (
    select
        image_id,
        votes,
        distinct_decisions,
        evidence
    from {{ ref('review_decisions') }}
    where decision_state = 'conflict'
),

latest as (
    select
        reviewer,
        image_id,
        decision_file,
        row_number,
        cluster_id,
        action,
        new_class_index,
        tags_text,
        note,
        decided_at
    from {{ ref('int_review_decisions_latest') }}
),

images as (
    select
        image_id,
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

final as (
    select
        ---------- ids
        conflicts.image_id,
        latest.reviewer,
        latest.cluster_id,
        latest.decision_file,

        ---------- strings
        images.split,
        images.class_name as current_class_name,
        latest.action,
        new_classes.clean_name as new_class_name,
        latest.tags_text as tags,
        latest.note,
        conflicts.evidence as conflict_summary,

        ---------- numerics
        latest.row_number,
        images.class_index as current_class_index,
        latest.new_class_index,
        conflicts.votes,
        conflicts.distinct_decisions,

        ---------- booleans
        latest.action != 'defer' as is_vote,

        ---------- timestamps
        latest.decided_at
    from conflicts
    inner join latest on conflicts.image_id = latest.image_id
    left join images on conflicts.image_id = images.image_id
    left join classes as new_classes on latest.new_class_index = new_classes.class_index
)

select * from final

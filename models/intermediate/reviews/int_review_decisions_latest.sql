{#- Each reviewer's standing decision on each image (policy R8: the log is append-only and
    a later row supersedes an earlier one): the valid decision with the latest decided_at;
    on equal times the later row of the log (file, then row number) wins. A decision row
    that names a cluster and one that names the image compete on equal terms. Invalid rows
    (reported by int_review_problems_collected) take no part. -#}

with decisions as (
    select
        decision_file,
        row_number,
        reviewer,
        image_id,
        cluster_id,
        applies_via,
        action,
        new_class_index,
        tags_text,
        note,
        decided_at_text,
        decided_at
    from {{ ref('int_review_decisions_expanded') }}
    where is_valid_decision
),

decisions_ranked as (
    select
        *,
        row_number() over (
            partition by reviewer, image_id
            order by decided_at desc, decision_file desc, row_number desc
        ) as recency_rank,
        count(*) over (partition by reviewer, image_id) as decision_rows
    from decisions
),

final as (
    select
        ---------- ids
        reviewer,
        image_id,
        decision_file,
        row_number,
        cluster_id,

        ---------- strings
        applies_via,
        action,
        tags_text,
        note,
        decided_at_text,

        ---------- numerics
        case when action = 'relabel' then new_class_index end as new_class_index,
        decision_rows,

        ---------- timestamps
        decided_at
    from decisions_ranked
    where recency_rank = 1
)

select * from final

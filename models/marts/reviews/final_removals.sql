{#- The final removal list (R3, R4, R5 by rule; R6, R7 by reviewers): one row per removed
    image with its reason, rule and evidence, who decided and when. -#}

with actions as (
    select * from {{ ref('int_final_actions_resolved') }}
    where final_action = 'remove'
),

images as (
    select
        image_id,
        image_path
    from {{ ref('images') }}
),

final as (
    select
        actions.image_id,
        actions.cluster_id,
        images.image_path,
        actions.split,
        actions.reason,
        actions.rule,
        actions.evidence,
        actions.decided_by,
        actions.decided_at,
        actions.class_index
    from actions
    inner join images on actions.image_id = images.image_id
)

select * from final

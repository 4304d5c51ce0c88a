{#- Reviewer removals of train images that train_removal_policy = never blocks (R7),
    listed for the team to approve. -#}

with actions as (
    select * from {{ ref('int_final_actions_resolved') }}
    where final_action = 'blocked_by_policy'
),

images as (
    select
        image_id,
        image_path
    from {{ ref('images') }}
)

select
    actions.image_id,
    images.image_path,
    actions.split,
    actions.reason,
    actions.evidence,
    actions.decided_by,
    actions.decided_at,
    actions.class_index
from actions
inner join images on actions.image_id = images.image_id

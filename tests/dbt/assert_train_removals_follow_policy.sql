{#- R7/R9: under train_removal_policy = never no train image is removed; under
    reviewed_only only by a reviewer's decided remove. -#}
with train_removals as (
    select removals.image_id, removals.reason, decisions.final_action, decisions.decision_state
    from {{ ref('final_removals') }} as removals
    left join {{ ref('review_decisions') }} as decisions
        on removals.image_id = decisions.image_id
    where removals.split = 'train'
)

select *
from train_removals
{%- if var('train_removal_policy') == 'never' %}
{%- else %}
where reason != 'reviewed_remove'
    or final_action is null or final_action != 'remove' or decision_state != 'decided'
{%- endif %}

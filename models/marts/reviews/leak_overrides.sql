{#- Images a rule would remove that a reviewer kept as not_duplicate (the R3 override),
    listed so the meeting sees every exception. -#}

select
    image_id,
    cluster_id,
    split,
    reason,
    evidence,
    decided_by,
    decided_at
from {{ ref('int_final_actions_resolved') }}
where final_action = 'keep_overridden'

{#- _release_changes.csv: what changed between the last two releases, removals first. The
    release ids (random per build) stay in release_changes, so the same input and the same
    release before give the same bytes. -#}

select
    case when is_first_release then 'none (first release: everything is added)'
        else 'the release before'
    end as compared_with,
    item,
    change,
    {{ csv_safe('image_id') }} as image_id,
    previous_reason,
    current_reason,
    old_class_index,
    previous_new_class_index,
    current_new_class_index,
    row_number() over (order by item desc, change asc, image_id asc) as sort_order
from {{ ref('release_changes') }}

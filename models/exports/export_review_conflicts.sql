{#- _review_conflicts.csv: for the cross-check meeting, every image the reviewers disagree
    on, one row per reviewer with their latest decision. -#}

select
    {{ csv_safe('image_id') }} as image_id,
    {{ csv_safe('cluster_id') }} as cluster_id,
    split,
    current_class_index,
    {{ csv_safe('current_class_name') }} as current_class_name,
    {{ csv_safe('reviewer') }} as reviewer,
    action,
    new_class_index,
    {{ csv_safe('new_class_name') }} as new_class_name,
    {{ csv_safe('tags') }} as tags,
    {{ csv_safe('note') }} as note,
    {#- As text: every engine writes a timestamp cast to text alike, not in its CSV writer's own format. #}
    cast(decided_at as {{ dbt.type_string() }}) as decided_at,
    {{ csv_safe('conflict_summary') }} as conflict_summary,
    row_number() over (order by image_id, reviewer) as sort_order
from {{ ref('review_conflicts') }}

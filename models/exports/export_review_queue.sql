{#- _review_queue.json items, in priority order (the review page reads this file, never
    the database, so a build can run while reviewers work). -#}

select
    queue_item_id,
    item_kind,
    image_id,
    cluster_id,
    image_path,
    split,
    label,
    label_name,
    issue_type,
    issue_types,
    confidence,
    suggested_label,
    suggested_label_name,
    priority_rank,
    priority,
    reason,
    state,
    priority_rank as sort_order
from {{ ref('review_queue') }}

{#-
  What did one reviewer decide, image by image?

  Every standing decision of reviewer var `reviewer` (default 'alice'): one row per image,
  from `int_review_decisions_latest` (a reviewer's later log row supersedes the earlier
  one, R8; `decision_rows` says how many rows they wrote for the image), with the image's
  path, split and current class from `images` and the class the reviewer chose on a
  relabel. Newest first.

    dbt compile --select decisions_of_one_reviewer --vars '{reviewer: bob}'
-#}
{%- set reviewer = var('reviewer', 'alice') %}

select
    decisions.reviewer,
    decisions.image_id,
    decisions.cluster_id,
    decisions.applies_via,
    decisions.action,
    decisions.new_class_index,
    decisions.tags_text,
    decisions.note,
    decisions.decided_at,
    decisions.decision_rows,
    images.image_path,
    images.split,
    images.class_index,
    images.class_name
from {{ ref('int_review_decisions_latest') }} as decisions
left join {{ ref('images') }} as images
    on decisions.image_id = images.image_id
where decisions.reviewer = {{ sql_string(reviewer) }}
order by decisions.decided_at desc, decisions.image_id

{#- R9: every tag a reviewer used is in the tag schema; every decision names a known image. -#}
select 'tag outside the schema' as problem, image_id, tag_name as value
from {{ ref('int_review_tags_split') }}
where not is_in_schema
union all
select 'unknown image', image_id, decision_file
from {{ ref('int_review_decisions_expanded') }}
where not is_known_image

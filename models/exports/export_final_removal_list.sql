{#- _final_removal_list.txt: every image removed after review, sorted ids, one per line. -#}

select
    image_id,
    row_number() over (order by image_id) as sort_order
from {{ ref('final_removals') }}

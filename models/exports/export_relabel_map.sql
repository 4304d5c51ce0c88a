{#- _relabel_map.json: {image_id: new class index}, keys sorted. -#}

select
    image_id,
    new_class_index,
    row_number() over (order by image_id) as sort_order
from {{ ref('relabels') }}

{#- _clean_manifest.parquet and .csv: every kept image with its final label. -#}

select
    {{ csv_safe('image_id') }} as image_id,
    {{ csv_safe('image_path') }} as image_path,
    split,
    class_index,
    wnid,
    {{ csv_safe('class_name') }} as class_name,
    is_relabelled,
    original_class_index,
    {#- The id itself orders the rows: a row_number over a million rows would sort twice. #}
    image_id as sort_order
from {{ ref('clean_manifest') }}

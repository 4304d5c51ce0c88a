{#- _exclude.csv: a `filename` column of removed images, the file list VL's clean-dataset
    loaders take (the VL path: var vl_path_prefix plus the file name). -#}

select
    {{ csv_safe(dbt.concat(["'" ~ var('vl_path_prefix') ~ "'", base_name('image_path')])) }}
        as filename,
    row_number() over (order by image_id) as sort_order
from {{ ref('final_removals') }}

{#-
  Which classes leak the most val images into train (R3)?

  One row per class of the leaked val images (`leaked_val_images`): how many of its val
  images have a train duplicate, how many of those disagree with their train duplicates'
  label (`labels_agree` false: priority high, worth a human look), and how many leak
  clusters they sit in. Val images without a class are one row with a null class_index.
  The rows sum to the number of leaked val images. Set var `top_n` to show only the first n.

    dbt compile --select top_leaking_classes
    .venv/bin/duckdb -readonly target/vl_clean.duckdb \
        -c "$(cat target/compiled/vl_clean/analyses/top_leaking_classes.sql)"
-#}
{%- set top_n = var('top_n', none) %}

select
    class_index,
    class_name,
    count(*) as leaked_val_images,
    count(*) filter (where not labels_agree) as with_conflicting_labels,
    count(distinct cluster_id) as leak_clusters
from {{ ref('leaked_val_images') }}
group by class_index, class_name
order by leaked_val_images desc, with_conflicting_labels desc, class_index nulls last
{%- if top_n %}
limit {{ top_n }}
{%- endif %}

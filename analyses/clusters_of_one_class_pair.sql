{#-
  Which duplicate clusters carry exactly two given classes, and nothing else?

  For a class pair that keeps being confused (say 'tiger cat' and 'tabby'), lists every
  duplicate cluster (`duplicate_cluster_members`, `duplicate_clusters`, at var
  duplicate_threshold) whose labelled members carry exactly the classes `class_a` and
  `class_b`: both of them appear, no other class does. Members without a class do not
  count against the pair (they are shown in `unlabelled_images`). One row per cluster with
  its split mix, how many members carry each class and the member ids.

    dbt compile --select clusters_of_one_class_pair --vars '{class_a: 281, class_b: 282}'
-#}
{%- set class_a = var('class_a', 0) %}
{%- set class_b = var('class_b', 1) %}

with members as (
    select cluster_id, image_id, split, class_index
    from {{ ref('duplicate_cluster_members') }}
),

pair_clusters as (
    select
        cluster_id,
        count(*) filter (where class_index = {{ class_a }}) as images_of_class_a,
        count(*) filter (where class_index = {{ class_b }}) as images_of_class_b,
        count(*) filter (where class_index is null) as unlabelled_images,
        {{ sorted_string_agg('image_id') }} as image_ids
    from members
    group by cluster_id
    having count(*) filter (where class_index = {{ class_a }}) > 0
        and count(*) filter (where class_index = {{ class_b }}) > 0
        and count(*) filter (
            where class_index is not null and class_index not in ({{ class_a }}, {{ class_b }})
        ) = 0
)

select
    pair_clusters.cluster_id,
    {{ class_a }} as class_a,
    {{ class_b }} as class_b,
    clusters.cluster_size,
    clusters.split_mix,
    pair_clusters.images_of_class_a,
    pair_clusters.images_of_class_b,
    pair_clusters.unlabelled_images,
    pair_clusters.image_ids
from pair_clusters
inner join {{ ref('duplicate_clusters') }} as clusters
    on pair_clusters.cluster_id = clusters.cluster_id
order by clusters.cluster_size desc, pair_clusters.cluster_id

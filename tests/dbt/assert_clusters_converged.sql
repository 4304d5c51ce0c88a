{#- The unrolled connected-components rounds (var cluster_merge_rounds) were enough:
    every duplicate group's members ended in one cluster. If this fails, raise the var. -#}
select memberships.group_key, count(distinct clusters.cluster_id) as clusters
from {{ ref('int_duplicate_memberships_unioned') }} as memberships
inner join {{ ref('int_duplicate_clusters_merged') }} as clusters
    on memberships.image_id = clusters.image_id
where {{ threshold_equals('memberships.threshold', var('duplicate_threshold')) }}
group by memberships.group_key
having count(distinct clusters.cluster_id) > 1

{#- R9: after cleaning no duplicate cluster keeps both a train and a val image, except
    the val images a reviewer kept as not_duplicate (listed in leak_overrides). -#}
with kept as (
    select members.cluster_id, members.split
    from {{ ref('duplicate_cluster_members') }} as members
    left join {{ ref('final_removals') }} as removals
        on members.image_id = removals.image_id
    left join {{ ref('leak_overrides') }} as overrides
        on members.image_id = overrides.image_id
    where removals.image_id is null and overrides.image_id is null
)

select cluster_id
from kept
group by cluster_id
having {{ count_where("split = 'train'") }} > 0 and {{ count_where("split = 'val'") }} > 0

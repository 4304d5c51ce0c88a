{#- R9: after the removals, no duplicate cluster keeps both a train and a val image. -#}
with kept as (
    select members.cluster_id, members.split
    from {{ ref('duplicate_cluster_members') }} as members
    left join {{ ref('val_removals') }} as removals
        on members.image_id = removals.image_id
    where removals.image_id is null
)

select cluster_id
from kept
group by cluster_id
having {{ count_where("split = 'train'") }} > 0 and {{ count_where("split = 'val'") }} > 0

{#- _val_removal_list.txt: the ids of the val images removed by rule, sorted, one per line. -#}

with removals as (
    select image_id from {{ ref('val_removals') }}
),

final as (
    select
        image_id,
        row_number() over (order by image_id) as sort_order
    from removals
)

select * from final

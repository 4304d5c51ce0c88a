{#- What changed between the last two releases (cleaning_releases, newest by released_at,
    ties on release_id): removals added or dropped, relabels added, dropped or changed to
    another class. On the first release there is nothing to compare with: every removal
    and relabel is 'added' and previous_release_id is empty. -#}

with ranked as (
    select
        release_id,
        released_at,
        row_number() over (order by released_at desc, release_id desc) as recency
    from {{ ref('cleaning_releases') }}
),

latest as (
    select
        max(case when recency = 1 then release_id end) as current_release_id,
        max(case when recency = 2 then release_id end) as previous_release_id
    from ranked
),

current_items as (
    select snapshots.*
    from {{ ref('release_snapshots') }} as snapshots
    inner join latest on snapshots.release_id = latest.current_release_id
),

previous_items as (
    select snapshots.*
    from {{ ref('release_snapshots') }} as snapshots
    inner join latest on snapshots.release_id = latest.previous_release_id
),

compared as (
    select
        coalesce(current_items.item, previous_items.item) as item,
        coalesce(current_items.image_id, previous_items.image_id) as image_id,
        case
            when previous_items.image_id is null then 'added'
            when current_items.image_id is null then 'dropped'
            when current_items.item = 'relabel'
                and current_items.new_class_index <> previous_items.new_class_index then 'changed'
        end as change,
        previous_items.reason as previous_reason,
        current_items.reason as current_reason,
        coalesce(current_items.old_class_index, previous_items.old_class_index) as old_class_index,
        previous_items.new_class_index as previous_new_class_index,
        current_items.new_class_index as current_new_class_index
    from current_items
    full outer join previous_items
        on current_items.item = previous_items.item
        and current_items.image_id = previous_items.image_id
)

select
    latest.current_release_id,
    latest.previous_release_id,
    latest.previous_release_id is null as is_first_release,
    compared.*
from compared
cross join latest
where compared.change is not null

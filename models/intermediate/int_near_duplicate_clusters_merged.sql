{#- Near-duplicate clusters (R2): connected components over every group at a level from
    var near_duplicate_threshold up to var duplicate_threshold. They are only candidates
    for review; nothing is removed because of them. -#}

{%- set memberships %}
(
    select
        image_id,
        group_key
    from {{ ref('int_duplicate_memberships_unioned') }}
    where threshold >= {{ var('near_duplicate_threshold') }} - 0.0000001
        and threshold <= {{ var('duplicate_threshold') }} + 0.0000001
) as memberships
{%- endset %}

with {{ connected_components(memberships, 'image_id', 'group_key', var('cluster_merge_rounds')) }},

final as (
    select
        node_id as image_id,
        concat('near_', substr({{ dbt.hash('component_id') }}, 1, 12)) as near_cluster_id,
        component_id as anchor_image_id,
        count(*) over (partition by component_id) as near_cluster_size
    from cc_components
)

select * from final

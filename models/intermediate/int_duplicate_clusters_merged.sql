{#- Duplicate clusters at var duplicate_threshold (R2): groups that share an image, in any
    file, are one cluster (transitive closure). The cluster id derives from the smallest
    member id, so re-chunking the export files cannot change it. -#}

{%- set memberships %}
(
    select
        image_id,
        group_key
    from {{ ref('int_duplicate_memberships_unioned') }}
    where {{ threshold_equals('threshold', var('duplicate_threshold')) }}
) as memberships
{%- endset %}

with {{ connected_components(memberships, 'image_id', 'group_key', var('cluster_merge_rounds')) }},

sized as (
    select
        node_id as image_id,
        component_id as anchor_image_id,
        count(*) over (partition by component_id) as cluster_size
    from cc_components
),

final as (
    select
        image_id,
        concat('dup_', substr({{ dbt.hash('anchor_image_id') }}, 1, 12)) as cluster_id,
        anchor_image_id,
        cluster_size,
        cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }}) as threshold
    from sized
)

select * from final
